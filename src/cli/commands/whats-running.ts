/**
 * `modelgate whats-running --env ENV [--as-of ISO]`: everything that runs in an environment, in one
 * answer: each deployment's running revision, then every version in the environment's stage with
 * who approved it, the days it has been idle (an open IDLE_IN_PRODUCTION alert, addressed to its
 * owner) and the deployments using it ("standalone" when none does). A backend that could
 * not be read is a warning on stderr and exit 1 (the list is incomplete), as for `models`.
 */
import { Command } from "commander";
import type { ApprovalSummary, ProductionState } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import { CliExit, EXIT } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { formatTable, printJson, shortTime } from "../output.js";
import { isoDateTime } from "../parse.js";
import { ownerText } from "./usage.js";

interface WhatsRunningOptions extends ClientCommandOptions {
  env: string;
  asOf?: string;
}

export function whatsRunningCommand(io: CliIo): Command {
  const cmd = new Command("whats-running")
    .description("what runs in an environment: deployments with their revision and approvers, then every version with its approvers and users")
    .option("--env <name>", "environment", "production")
    .option("--as-of <iso>", "as of this time, from the trail", isoDateTime);
  withClientOptions(cmd, io).action(async (opts: WhatsRunningOptions) => {
    await guarded(io, opts.json, async () => {
      const state = await clientFor(opts, io).whatRunsInProduction({ environment: opts.env, ...(opts.asOf === undefined ? {} : { asOf: opts.asOf }) });
      if (opts.json) printJson(io, state);
      else io.stdout(describeState(state));
      for (const f of state.failedBackends) {
        io.stderr(`warning: backend "${f.backendId}" failed (${f.code}): ${f.message}; its versions are missing from this list\n`);
      }
      if (state.failedBackends.length > 0) throw new CliExit(EXIT.FAULT);
    });
  });
  return cmd;
}

function approvers(a: ApprovalSummary | null): string {
  if (a === null) return "-";
  if (a.approvedBy.length > 0) return a.approvedBy.join(",");
  return a.request.kind === "ROLLBACK" ? `${a.requestedBy} (rollback)` : `requested by ${a.requestedBy}`;
}

function describeState(s: ProductionState): string {
  const head = `${s.environment}${s.asOf ? ` as of ${shortTime(s.asOf)}` : ""}\n\n`;
  const deployments =
    s.deployments.length === 0
      ? "no deployments running\n"
      : formatTable(
          ["DEPLOYMENT", "REVISION", "APPROVED BY", "REQUESTED BY", "SINCE"],
          s.deployments.map((d) => [d.name, `#${d.revision}`, approvers(d.approval), d.approval?.requestedBy ?? "-", shortTime(d.activatedAt)]),
        );
  const versions =
    s.versions.length === 0
      ? "no versions running\n"
      : formatTable(
          ["VERSION", "APPROVED BY", "SINCE", "IDLE", "USED BY"],
          s.versions.map((v) => [
            v.registryVersion,
            approvers(v.approval),
            shortTime(v.since),
            v.idleAlert ? `${v.idleAlert.idleDays}d` : "-",
            v.standalone
              ? "standalone"
              : v.usedBy.map((u) => `${u.deployment} (${u.role}${u.shadow ? ", shadow" : ` ${u.weight}%`})`).join(", "),
          ]),
        );
  const idle = s.versions.filter((v) => v.idleAlert);
  const owners = idle.length === 0 ? "" : `\n${idle.length} idle (IDLE_IN_PRODUCTION; \`modelgate idle\` lists them): ${idle.map((v) => `${v.registryVersion} -> ${ownerText(v.idleAlert?.owner)}`).join("; ")}\n`;
  return `${head}${deployments}\n${versions}${owners}`;
}
