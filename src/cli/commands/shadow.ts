/**
 * `modelgate shadow report`: records what a shadow version did against the primary over a window
 * (docs/lifecycle.md#shadow-evidence), the SHADOW gate's evidence. Serving systems call it from a
 * job at the end of each shadow window.
 */
import { Command } from "commander";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import { UsageError } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { printJson } from "../output.js";

interface ShadowReportOptions extends ClientCommandOptions {
  backend: string;
  env: string;
  primary?: string;
  from: string;
  to: string;
  requests: number;
  agreement: number;
  p50?: number;
  p95?: number;
  errorRate: number;
  evidence?: string;
  notes?: string;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`expected a whole number >= 0, got "${value}"`);
  return n;
}

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new UsageError(`expected a number, got "${value}"`);
  return n;
}

function isoTime(value: string, option: string): string {
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) throw new UsageError(`${option} must be an ISO-8601 time (e.g. 2026-07-01T00:00:00Z), got "${value}"`);
  return t.toISOString();
}

export function shadowCommand(io: CliIo): Command {
  const shadow = new Command("shadow").description("shadow evidence: what a shadow version did against the primary");
  const report = shadow
    .command("report")
    .description("record a shadow report for VERSION of MODEL in an environment (evidence for the SHADOW gate)")
    .argument("<model>", "model name")
    .argument("<version>", "the shadow version")
    .requiredOption("--backend <id>", "backend holding the model")
    .requiredOption("--env <name>", "environment the shadow ran in, e.g. production")
    .option("--primary <version>", "the primary version it was compared against")
    .requiredOption("--from <time>", "start of the window (ISO-8601)")
    .requiredOption("--to <time>", "end of the window (ISO-8601)")
    .requiredOption("--requests <n>", "requests mirrored to the shadow in the window", wholeNumber)
    .requiredOption("--agreement <rate>", "share of requests where the shadow agreed with the primary, 0..1", number)
    .requiredOption("--error-rate <rate>", "share of requests the shadow failed, 0..1", number)
    .option("--p50 <ms>", "latency p50 in milliseconds", number)
    .option("--p95 <ms>", "latency p95 in milliseconds", number)
    .option("--evidence <url>", "where the raw evidence is (a dashboard or report)")
    .option("--notes <text>", "notes");
  withClientOptions(report, io).action(async (model: string, version: string, opts: ShadowReportOptions) => {
    await guarded(io, opts.json, async () => {
      const input = {
        backend: opts.backend,
        model,
        version,
        environment: opts.env,
        windowStart: isoTime(opts.from, "--from"),
        windowEnd: isoTime(opts.to, "--to"),
        requests: opts.requests,
        agreementRate: opts.agreement,
        errorRate: opts.errorRate,
        ...(opts.primary === undefined ? {} : { primaryVersion: opts.primary }),
        ...(opts.p50 === undefined ? {} : { latencyP50Ms: opts.p50 }),
        ...(opts.p95 === undefined ? {} : { latencyP95Ms: opts.p95 }),
        ...(opts.evidence === undefined ? {} : { evidence: opts.evidence }),
        ...(opts.notes === undefined ? {} : { notes: opts.notes }),
      };
      const r = await clientFor(opts, io).shadowReport(input);
      if (opts.json) {
        printJson(io, r);
        return;
      }
      const against = r.primaryVersion === null ? "" : ` against ${r.primaryVersion}`;
      io.stdout(
        `shadow report ${r.id}: ${r.backendId}/${r.modelName}@${r.version}${against} in ${r.environment}, ${r.windowStart} to ${r.windowEnd}: ` +
          `${r.requests} requests, agreement ${r.agreementRate}, error rate ${r.errorRate}` +
          `${r.latencyP95Ms === null ? "" : `, p95 ${r.latencyP95Ms} ms`}\n`,
      );
    });
  });
  return shadow;
}
