/**
 * `modelgate rollout status|pause|resume|abort NAME --env ENV`: a deployment's guarded rollout
 * (docs/lifecycle.md#guarded-rollouts). status shows the step, the weights served now, the plan,
 * the step's canary evidence with the leader's verdict, and when the next step may come; pause holds the weights (publisher); resume lets a paused rollout run
 * again and abort rolls back to the revision it started from (approver).
 */
import { Command } from "commander";
import type { Rollout } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import type { CliIo } from "../io.js";
import { formatFields, formatTable, printJson, shortTime } from "../output.js";

interface StatusOptions extends ClientCommandOptions {
  env: string;
}

interface ControlOptions extends StatusOptions {
  reason: string;
}

export function rolloutCommand(io: CliIo): Command {
  const cmd = new Command("rollout").description("a deployment's guarded rollout: status, pause, resume, abort");
  const status = new Command("status")
    .description("the rollout under way (else the newest): step, weights served now, plan, next step")
    .argument("<name>", "deployment name")
    .requiredOption("--env <name>", "environment, e.g. production");
  withClientOptions(status, io).action(async (name: string, opts: StatusOptions) => {
    await guarded(io, opts.json, async () => {
      const rollout = await clientFor(opts, io).rollout(name, opts.env);
      if (opts.json) printJson(io, rollout);
      else io.stdout(rollout === null ? `${name} in ${opts.env} has had no guarded rollout\n` : describeRollout(rollout));
    });
  });
  cmd.addCommand(status);
  for (const [verb, help] of [
    ["pause", "hold a running rollout at its current weights (publisher)"],
    ["resume", "let a paused rollout run again; its step's hold starts anew (approver)"],
    ["abort", "roll back to the revision the rollout started from (approver)"],
  ] as const) {
    const sub = new Command(verb)
      .description(help)
      .argument("<name>", "deployment name")
      .requiredOption("--env <name>", "environment, e.g. production")
      .requiredOption("--reason <text>", "why (recorded in the audit trail)");
    withClientOptions(sub, io).action(async (name: string, opts: ControlOptions) => {
      await guarded(io, opts.json, async () => {
        const client = clientFor(opts, io);
        const input = { name, environment: opts.env, reason: opts.reason };
        if (verb === "abort") {
          const { rollout, promotionRequest } = await client.rolloutAbort(input);
          if (opts.json) printJson(io, { rollout, promotionRequest });
          else io.stdout(`rolling back ${name} in ${opts.env} to revision ${rollout.fromRevision?.number ?? "?"}: request ${promotionRequest.id} ${promotionRequest.status}\n`);
          return;
        }
        const rollout = verb === "pause" ? await client.rolloutPause(input) : await client.rolloutResume(input);
        if (opts.json) printJson(io, rollout);
        else io.stdout(describeRollout(rollout));
      });
    });
    cmd.addCommand(sub);
  }
  return cmd;
}

export function describeRollout(r: Rollout): string {
  const plan = r.plan;
  const thresholds = [
    plan.maxErrorRate == null ? undefined : `error rate <= ${plan.maxErrorRate}`,
    plan.metricFloor == null ? undefined : `${plan.metricFloor.name} >= ${plan.metricFloor.min}`,
    plan.minRequests == null ? undefined : `>= ${plan.minRequests} requests`,
  ].filter((t) => t !== undefined);
  const fields: [string, string][] = [
    ["rollout", `revision ${r.revision.number} over ${r.fromRevision ? `revision ${r.fromRevision.number}` : "-"}`],
    ["status", r.status],
    ["step", `${r.step} of ${plan.steps.length} (${r.weight}% to the new revision)`],
    ["plan", plan.steps.map((s) => `${s.weight}% for ${s.holdSeconds}s`).join(" -> ")],
    ["thresholds", thresholds.length === 0 ? "none (any canary result will do)" : thresholds.join(", ")],
    ["on breach", plan.onBreach],
    ["on missing evidence", `${plan.onMissingEvidence}${plan.evidenceTimeoutSeconds == null ? "" : ` after ${plan.evidenceTimeoutSeconds}s`}`],
    ["step started", shortTime(r.stepStartedAt)],
  ];
  if (r.nextAt) fields.push(["next step", `not before ${shortTime(r.nextAt)} (with its evidence in)`]);
  if (r.pausedReason) fields.push(["paused", r.pausedReason]);
  const ev = r.evidence;
  if (ev) {
    const seen = [
      `${ev.requests}${plan.minRequests == null ? "" : ` of ${plan.minRequests}`} requests`,
      plan.maxErrorRate == null ? undefined : `highest error rate ${ev.maxErrorRate ?? "none reported"}`,
      plan.metricFloor == null ? undefined : `lowest ${plan.metricFloor.name} ${ev.minMetric ?? "none reported"}`,
    ].filter((t) => t !== undefined);
    fields.push(["evidence", `${ev.resultCount} canary result${ev.resultCount === 1 ? "" : "s"} since ${shortTime(ev.since)}: ${seen.join(", ")}`]);
    fields.push(["evidence due", `${shortTime(ev.deadline)}, else ${plan.onMissingEvidence}`]);
    fields.push(["verdict", ev.verdict ? `${ev.verdict}: ${ev.reason ?? ""}` : `not judged while ${r.status}`]);
  }
  return `${formatFields(fields)}\nweights served now:\n${formatTable(
    ["ROLE", "BACKEND", "MODEL", "VERSION", "WEIGHT", "SHADOW"],
    r.weights.map((c) => [c.role, c.backendId, c.modelName, c.version, String(c.weight), c.shadow ? "yes" : "-"]),
  )}`;
}
