import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { FastHistogram } from "./fast-histogram.js";

/** The sample lines of an exposition, label order normalised, sorted. */
function samples(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const m = /^(\w+)\{(.*)\} (\S+)$/.exec(l)!;
      return `${m[1]}{${m[2]!.split(",").sort().join(",")}} ${m[3]}`;
    })
    .sort();
}

describe("FastHistogram", () => {
  it("renders the same exposition as prom-client's Histogram for the same observations", async () => {
    const options = { name: "t_seconds", help: "Test.", labelNames: ["route", "status"] as const, buckets: [0.01, 0.1, 1] };
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new FastHistogram({ ...options, registers: [ours] });
    const reference = new Histogram({ ...options, labelNames: [...options.labelNames], registers: [theirs] });
    const observations: [string, string, number][] = [
      ["/a", "200", 0.005],
      ["/a", "200", 0.01],
      ["/a", "200", 0.5],
      ["/a", "500", 3],
      ["/b", "200", 0.1],
    ];
    for (const [route, status, v] of observations) {
      fast.labels(route, status).observe(v);
      reference.labels(route, status).observe(v);
    }
    const text = await ours.metrics();
    expect(text).toContain("# HELP t_seconds Test.\n# TYPE t_seconds histogram\n");
    expect(samples(text)).toEqual(samples(await theirs.metrics()));
    expect(text).toContain('t_seconds_bucket{route="/a",status="200",le="0.01"} 2');
    expect(text).toContain('t_seconds_count{route="/a",status="500"} 1');
  });

  it("binds a series once per label set, and refuses a wrong number of label values or unordered buckets", () => {
    const h = new FastHistogram({ name: "u_seconds", help: "Test.", labelNames: ["a"], buckets: [1], registers: [] });
    expect(h.labels("x")).toBe(h.labels("x"));
    expect(() => h.labels("x", "y")).toThrow(/expected 1 label values, got 2/);
    expect(() => new FastHistogram({ name: "v", help: "Test.", labelNames: [], buckets: [1, 1], registers: [] })).toThrow(/ascending/);
  });
});
