/**
 * `modelgate lifecycle plan | apply`: the deprecation policy (`policies.deprecation` in modelgate.yaml,
 * docs/lifecycle.md#deprecation-policy) from a terminal or CI, through the GraphQL API
 * (MODELGATE_URL, MODELGATE_TOKEN).
 *
 * `plan` lists what an apply would archive and why, and the older versions it keeps (a dry run).
 * `apply` plans afresh and makes one archive request per version; a plan past its maxArchiveShare
 * is refused (exit 2) unless `--yes`. Exit 1 when a version's request failed.
 */
import { Command } from "commander";
import type { LifecyclePlan, LifecyclePlanApplyResult, LifecyclePlanFilter } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import { CliExit, EXIT, UsageError } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { formatTable, printJson } from "../output.js";

interface FilterOptions extends ClientCommandOptions {
  backend?: string;
  model?: string;
}

interface ApplyOptions extends FilterOptions {
  yes?: boolean;
  reason?: string;
}

function withFilter(cmd: Command): Command {
  return cmd.option("--backend <id>", "only this backend").option("--model <name>", "only this model (needs --backend)");
}

function filterOf(opts: FilterOptions): LifecyclePlanFilter {
  if (opts.model !== undefined && opts.backend === undefined) throw new UsageError("--model needs --backend");
  return { ...(opts.backend === undefined ? {} : { backend: opts.backend }), ...(opts.model === undefined ? {} : { model: opts.model }) };
}

const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;

export function describePlan(plan: LifecyclePlan): string {
  const head = `deprecation plan: ${plan.toArchive} of ${plan.liveVersions} live versions to archive (${pct(plan.share)}), requests in ${plan.environment}\n`;
  const candidates =
    plan.candidates.length === 0
      ? "nothing to archive\n"
      : formatTable(
          ["VERSION", "STAGE", "AGE", "LAST DEPLOYMENT", "RULE"],
          plan.candidates.map((c) => [
            `${c.backendId}/${c.modelName}@${c.version}`,
            c.stage,
            `${c.ageDays}d`,
            c.lastDeploymentUse === null ? "never" : `${c.lastDeploymentUse.deployment}@${c.lastDeploymentUse.environment}#${c.lastDeploymentUse.revision}`,
            c.rule,
          ]),
        );
  const kept =
    plan.kept.length === 0 ? "" : `\nkept (past the newest N):\n${formatTable(["VERSION", "STAGE", "WHY", "REASON"], plan.kept.map((k) => [`${k.backendId}/${k.modelName}@${k.version}`, k.stage, k.why, k.reason]))}`;
  const stops = plan.stops.length === 0 ? "" : `\nSTOPS AND ASKS (apply needs --yes):\n${plan.stops.map((s) => `  ${s}\n`).join("")}`;
  return `${head}\n${candidates}${kept}${stops}`;
}

function describeApply(report: LifecyclePlanApplyResult): string {
  if (report.results.length === 0) return "nothing to archive\n";
  return formatTable(
    ["VERSION", "OUTCOME", "REQUEST", "STATUS", "MESSAGE"],
    report.results.map((r) => [
      `${r.candidate.backendId}/${r.candidate.modelName}@${r.candidate.version}`,
      r.outcome,
      r.promotionRequest?.id ?? "-",
      r.promotionRequest?.status ?? "-",
      r.message ?? "",
    ]),
  );
}

export function lifecycleCommand(io: CliIo): Command {
  const cmd = new Command("lifecycle").description("the deprecation policy (policies.deprecation): plan what to archive, apply it through the workflow");
  const plan = withFilter(new Command("plan").description("what the policy would archive now and why, and the older versions it keeps (changes nothing)"));
  withClientOptions(plan, io).action(async (opts: FilterOptions) => {
    await guarded(io, opts.json, async () => {
      const result = await clientFor(opts, io).lifecyclePlan(filterOf(opts));
      if (opts.json) printJson(io, result);
      else io.stdout(describePlan(result));
    });
  });
  const apply = withFilter(
    new Command("apply")
      .description("archive the plan's versions: one audited request each to ARCHIVED, tagged modelgate.archived-by=policy (needs publisher)")
      .option("--yes", "confirm a plan that archives more than its maxArchiveShare")
      .option("--reason <text>", "recorded on every request (default: the rule and the version's reason)"),
  );
  withClientOptions(apply, io).action(async (opts: ApplyOptions) => {
    await guarded(io, opts.json, async () => {
      const report = await clientFor(opts, io).lifecyclePlanApply({
        filter: filterOf(opts),
        ...(opts.yes === true ? { confirmShare: true } : {}),
        ...(opts.reason === undefined ? {} : { reason: opts.reason }),
      });
      if (opts.json) printJson(io, report);
      else io.stdout(describeApply(report));
      if (report.results.some((r) => r.outcome === "FAILED")) throw new CliExit(EXIT.FAULT);
    });
  });
  return cmd.addCommand(plan).addCommand(apply);
}
