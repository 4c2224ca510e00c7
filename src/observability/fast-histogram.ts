/**
 * A Prometheus histogram for the request path. prom-client's Histogram validates and hashes the
 * label set on every observation (a few microseconds each, five or more per request); here a
 * series is bound once per label set and an observation is a search over the buckets and three
 * additions. The series are handed to prom-client's registry as an ordinary metric and rendered
 * when Prometheus scrapes, with the `_bucket` (cumulative, `le`), `_sum` and `_count` samples of
 * the text format.
 */
import type { Metric, Registry } from "prom-client";

export interface BoundHistogram {
  observe(value: number): void;
}

interface Series extends BoundHistogram {
  readonly labels: Record<string, string>;
  /** Observations per bucket, not cumulative; the last one is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export interface FastHistogramOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  /** Upper bounds, ascending. */
  buckets: readonly number[];
  registers: Registry[];
}

interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

export class FastHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly #labelNames: readonly L[];
  readonly #buckets: Float64Array;
  readonly #series = new Map<string, Series>();

  constructor(opts: FastHistogramOptions<L>) {
    for (let i = 1; i < opts.buckets.length; i++) {
      if (!(opts.buckets[i]! > opts.buckets[i - 1]!)) throw new Error(`${opts.name}: buckets must be ascending`);
    }
    this.name = opts.name;
    this.help = opts.help;
    this.#labelNames = opts.labelNames;
    this.#buckets = Float64Array.from(opts.buckets);
    // Rendered by the registry like any metric of its own (it reads name, help, type and get()).
    for (const registry of opts.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The series of these label values (in labelNames order), made on first use and kept. */
  labels(...values: string[]): BoundHistogram {
    if (values.length !== this.#labelNames.length) throw new Error(`${this.name}: expected ${this.#labelNames.length} label values, got ${values.length}`);
    const key = values.join("\u0000");
    let series = this.#series.get(key);
    if (series === undefined) {
      const buckets = this.#buckets;
      const counts = new Float64Array(buckets.length + 1);
      const made: Series = {
        labels: Object.fromEntries(this.#labelNames.map((name, i) => [name, values[i]!])),
        counts,
        sum: 0,
        count: 0,
        observe(value: number) {
          let i = 0;
          while (i < buckets.length && value > buckets[i]!) i++;
          counts[i]! += 1;
          made.sum += value;
          made.count += 1;
        },
      };
      series = made;
      this.#series.set(key, series);
    }
    return series;
  }

  /** What the registry renders (prom-client's MetricObjectWithValues). */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.#series.values()) {
      let cumulative = 0;
      for (let i = 0; i < s.counts.length; i++) {
        cumulative += s.counts[i]!;
        values.push({ metricName: bucket, labels: { ...s.labels, le: i < this.#buckets.length ? this.#buckets[i]! : "+Inf" }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum }, { metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
