/**
 * Usage and idle alerts (docs/lifecycle.md#usage-and-idle-alerts):
 * - `modelgate usage [backend/]NAME@VERSION [--env ENV]`: resolves and served requests of the last
 *   24 hours, the last of each, who used it most, and the model's owner;
 * - `modelgate idle [--env ENV] [--check]`: the open IDLE_IN_PRODUCTION alerts (--check: exit 4 when
 *   there is one, so a scheduled job can page on it);
 * - `modelgate usage-report [backend/]NAME@VERSION --env ENV --requests N --from ISO --to ISO`: what a
 *   serving system reports it served (needs publisher).
 * `whats-running` marks idle versions too.
 */
import { Command, InvalidArgumentError } from "commander";
import type { IdleAlert, ModelOwner } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import { CliExit, EXIT } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { formatFields, formatTable, printJson, shortTime } from "../output.js";
import { isoDateTime, positiveInt } from "../parse.js";
import { parseVersionArg } from "./provenance.js";

interface UsageOptions extends ClientCommandOptions {
  backend?: string;
  env?: string;
  callers?: number;
}

export function ownerText(owner: ModelOwner | null | undefined): string {
  if (!owner) return "-";
  const who = [owner.team, owner.contact].filter((x): x is string => x !== null && x !== undefined).join(" ");
  return `${who} (${owner.source === "TAG" ? "model tag" : "lifecycle.owners"})`;
}

export function usageCommand(io: CliIo): Command {
  const cmd = new Command("usage")
    .description("how much a version is used: resolves and requests served in the last 24 hours, who uses it, its owner")
    .argument("<version>", "[backend/]NAME@VERSION")
    .option("--backend <id>", "backend holding the model (or write backend/NAME@VERSION)")
    .option("--env <name>", "one environment (default: all)")
    .option("--callers <n>", "how many callers to list", positiveInt, 10);
  withClientOptions(cmd, io).action(async (text: string, opts: UsageOptions) => {
    await guarded(io, opts.json, async () => {
      const v = parseVersionArg(text, opts.backend, true);
      const found = await clientFor(opts, io).versionUsage({
        backend: v.backend,
        model: v.model,
        version: v.version!,
        ...(opts.env === undefined ? {} : { environment: opts.env }),
        ...(opts.callers === undefined ? {} : { callers: opts.callers }),
      });
      if (found === null) {
        io.stderr(`error: no version ${v.version} of ${v.backend}/${v.model}\n`);
        throw new CliExit(EXIT.NOT_FOUND);
      }
      if (opts.json) {
        printJson(io, found);
        return;
      }
      const u = found.usage;
      io.stdout(
        formatFields([
          ["version", `${found.backendId}/${found.modelName}@${found.version} (${found.stage})`],
          ["environment", u.environment ?? "all"],
          ["resolves (24h)", String(u.resolves24h)],
          ["last resolved", shortTime(u.lastResolvedAt)],
          ["served (24h)", String(u.served24h)],
          ["last served", shortTime(u.lastServedAt)],
          ["owner", ownerText(found.owner)],
        ]),
      );
      if (u.byCaller.length > 0) {
        io.stdout(`\n${formatTable(["CALLER", "ENVIRONMENT", "SOURCE", "COUNT", "LAST"], u.byCaller.map((c) => [c.caller, c.environment, c.source, String(c.count), shortTime(c.lastAt)]))}`);
      }
    });
  });
  return cmd;
}

interface IdleOptions extends ClientCommandOptions {
  env?: string;
  check?: boolean;
}

function idleRows(alerts: readonly IdleAlert[]): string {
  return formatTable(
    ["VERSION", "ENVIRONMENT", "IDLE DAYS", "LAST USED", "RAISED", "OWNER"],
    alerts.map((a) => [`${a.backendId}/${a.modelName}@${a.version}`, a.environment, String(a.idleDays), shortTime(a.lastUsedAt) === "-" ? "never" : shortTime(a.lastUsedAt), shortTime(a.raisedAt), ownerText(a.owner)]),
  );
}

export function idleCommand(io: CliIo): Command {
  const cmd = new Command("idle")
    .description("open IDLE_IN_PRODUCTION alerts: production versions nobody resolved or served for lifecycle.idle.afterDays")
    .option("--env <name>", "one environment (default: all)")
    .option("--check", "exit 4 when any alert is open (for scheduled jobs)");
  withClientOptions(cmd, io).action(async (opts: IdleOptions) => {
    await guarded(io, opts.json, async () => {
      const client = clientFor(opts, io);
      const alerts: IdleAlert[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await client.idleAlerts({ ...(opts.env === undefined ? {} : { environment: opts.env }), first: 100, ...(after === undefined ? {} : { after }) });
        alerts.push(...page.alerts);
        if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
        after = page.pageInfo.endCursor;
      }
      if (opts.json) printJson(io, { alerts });
      else io.stdout(alerts.length === 0 ? "no idle versions\n" : idleRows(alerts));
      if (opts.check === true && alerts.length > 0) throw new CliExit(EXIT.PENDING);
    });
  });
  return cmd;
}

interface ReportOptions extends ClientCommandOptions {
  backend?: string;
  env: string;
  requests: number;
  from: string;
  to: string;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a whole number >= 0, got "${value}".`);
  return n;
}

export function usageReportCommand(io: CliIo): Command {
  const cmd = new Command("usage-report")
    .description("report the requests a serving system served with a version over a window (needs publisher)")
    .argument("<version>", "[backend/]NAME@VERSION")
    .option("--backend <id>", "backend holding the model (or write backend/NAME@VERSION)")
    .requiredOption("--env <name>", "environment it served in")
    .requiredOption("--requests <n>", "requests served in the window", wholeNumber)
    .requiredOption("--from <iso>", "window start", isoDateTime)
    .requiredOption("--to <iso>", "window end", isoDateTime);
  withClientOptions(cmd, io).action(async (text: string, opts: ReportOptions) => {
    await guarded(io, opts.json, async () => {
      const v = parseVersionArg(text, opts.backend, true);
      const report = await clientFor(opts, io).reportUsage({
        backend: v.backend,
        model: v.model,
        version: v.version!,
        environment: opts.env,
        windowStart: opts.from,
        windowEnd: opts.to,
        requests: opts.requests,
      });
      if (opts.json) printJson(io, report);
      else io.stdout(`recorded ${report.requests} requests served by ${report.backendId}/${report.modelName}@${report.version} in ${report.environment} (${shortTime(report.windowStart)} to ${shortTime(report.windowEnd)}) for ${report.reportedBy}\n`);
    });
  });
  return cmd;
}
