/**
 * `modelgate promote | approve | reject | rollback`: the promotion workflow from a terminal or CI,
 * through the GraphQL API (MODELGATE_URL, MODELGATE_TOKEN).
 *
 * With --wait the command follows the request until it is applied or ends, and the exit code says
 * how it ended: 0 APPLIED, 1 FAILED, 2 refused (a user error, or REJECTED), 3 not found, 4 still
 * pending when --timeout ran out. Without --wait, 0 means the request was recorded.
 */
import { Command } from "commander";
import { ModelgateUserError, type ModelgateClient, type UserError } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import { CliExit, EXIT, UsageError, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { printJson } from "../output.js";
import { APPROVE, PROMOTE, REJECT, REQUEST_BY_ID, ROLLBACK, type RequestJson } from "./promotion-documents.js";

const STAGES = ["NONE", "STAGING", "SHADOW", "PRODUCTION", "ARCHIVED"];

export interface WaitOptions extends ClientCommandOptions {
  wait?: boolean;
  timeout: number;
  interval: number;
}

interface PromoteOptions extends WaitOptions {
  backend: string;
  env: string;
  to: string;
  reason: string;
  idempotencyKey?: string;
  expectCurrent?: string;
}

interface DecideOptions extends WaitOptions {
  comment?: string;
}

interface RollbackOptions extends WaitOptions {
  backend: string;
  env: string;
  reason: string;
}

export function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`expected a positive number of seconds, got "${value}"`);
  return n;
}

export function withWait(cmd: Command): Command {
  return cmd
    .option("--wait", "follow the request until it is applied, fails or is rejected")
    .option("--timeout <seconds>", "how long --wait waits (exit 4 when still pending)", seconds, 600)
    .option("--interval <seconds>", "how often --wait polls", seconds, 2);
}

async function mutate(client: ModelgateClient, document: string, field: string, input: Record<string, unknown>): Promise<{ request: RequestJson; replayed: boolean }> {
  const { data } = await client.graphql<Record<string, { promotionRequest: RequestJson | null; replayed?: boolean; userErrors: UserError[] }>>(document, { input });
  const payload = data[field]!;
  if (payload.userErrors.length > 0 || payload.promotionRequest === null) throw new ModelgateUserError(field, payload.userErrors);
  return { request: payload.promotionRequest, replayed: payload.replayed ?? false };
}

export function describeRequest(r: RequestJson): string {
  const what =
    r.deploymentRevision === null
      ? `${r.backendId}/${r.modelName}@${r.version} ${r.fromStage} -> ${r.toStage}`
      : `deployment ${r.modelName} revision ${r.deploymentRevision.number}`;
  const head = `${r.kind === "ROLLBACK" ? "rollback" : "promotion"} ${r.id}: ${what} in ${r.environment}: ${r.status}`;
  const gates = r.gates.map((g) => `  ${g.passed ? "passed" : "waiting"}  ${g.gate}: ${g.detail}`);
  const failure = r.failure === null ? [] : [`  reason: ${r.failure}`];
  return [head, ...gates, ...failure].join("\n") + "\n";
}

export function exitFor(r: RequestJson, waited: boolean): ExitCode {
  switch (r.status) {
    case "APPLIED":
      return EXIT.OK;
    case "FAILED":
      return EXIT.FAULT;
    case "REJECTED":
      return EXIT.USAGE;
    default:
      return waited ? EXIT.PENDING : EXIT.OK;
  }
}

/** With --wait, polls the request until it is applied or ends (or --timeout runs out); the request as last seen. */
export async function follow<R extends RequestJson>(client: ModelgateClient, opts: WaitOptions, first: R, poll?: (id: string) => Promise<R>): Promise<R> {
  const fetchById =
    poll ??
    (async (id: string): Promise<R> => {
      const { data } = await client.graphql<{ node: R | null }>(REQUEST_BY_ID, { id });
      if (data.node === null) throw new UsageError(`request ${id} is gone`);
      return data.node;
    });
  let r = first;
  if (opts.wait) {
    const until = Date.now() + opts.timeout * 1000;
    while ((r.status === "PENDING" || r.status === "APPLYING") && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(opts.interval * 1000, Math.max(0, until - Date.now()))));
      r = await fetchById(r.id);
    }
  }
  return r;
}

/** Prints the request (after following it with --wait) and ends with the exit code of its outcome. */
async function finish(io: CliIo, client: ModelgateClient, opts: WaitOptions, first: RequestJson, replayed: boolean): Promise<void> {
  const r = await follow(client, opts, first);
  if (opts.json) printJson(io, { ...r, replayed });
  else io.stdout((replayed ? "(replayed: this idempotency key was used before; nothing was done again)\n" : "") + describeRequest(r));
  const code = exitFor(r, opts.wait === true);
  if (code !== EXIT.OK) throw new CliExit(code);
}

export function promoteCommand(io: CliIo): Command {
  const cmd = new Command("promote")
    .description("request moving VERSION of MODEL to a stage in an environment (gates, approvals, then applied)")
    .argument("<model>", "model name")
    .argument("<version>", "version")
    .requiredOption("--backend <id>", "backend holding the model")
    .requiredOption("--env <name>", "environment, e.g. production")
    .option("--to <stage>", `target stage: ${STAGES.join(", ")}`, "PRODUCTION")
    .requiredOption("--reason <text>", "why: recorded in the audit trail")
    .option("--idempotency-key <key>", "replaying the same key returns the first request (use the CI run id)")
    .option("--expect-current <version>", 'compare-and-set: the version now in the target stage ("" for none)');
  withWait(withClientOptions(cmd, io)).action(async (model: string, version: string, opts: PromoteOptions) => {
    await guarded(io, opts.json, async () => {
      const toStage = opts.to.toUpperCase();
      if (!STAGES.includes(toStage)) throw new UsageError(`--to must be one of ${STAGES.join(", ")}, got "${opts.to}"`);
      const client = clientFor(opts, io);
      const { request, replayed } = await mutate(client, PROMOTE, "promotionRequest", {
        backend: opts.backend,
        model,
        version,
        toStage,
        environment: opts.env,
        reason: opts.reason,
        ...(opts.idempotencyKey === undefined ? {} : { idempotencyKey: opts.idempotencyKey }),
        ...(opts.expectCurrent === undefined ? {} : { expectedCurrentVersion: opts.expectCurrent }),
      });
      await finish(io, client, opts, request, replayed);
    });
  });
  return cmd;
}

function decisionCommand(io: CliIo, name: "approve" | "reject"): Command {
  const cmd = new Command(name)
    .description(`${name} a pending promotion request (needs the approver role; not your own request)`)
    .argument("<request-id>", "the request's id, as printed by promote")
    .option("--comment <text>", "recorded with the decision");
  withWait(withClientOptions(cmd, io)).action(async (id: string, opts: DecideOptions) => {
    await guarded(io, opts.json, async () => {
      const client = clientFor(opts, io);
      const { request } = await mutate(client, name === "approve" ? APPROVE : REJECT, name === "approve" ? "promotionApprove" : "promotionReject", {
        id,
        ...(opts.comment === undefined ? {} : { comment: opts.comment }),
      });
      await finish(io, client, opts, request, false);
    });
  });
  return cmd;
}

export function approveCommand(io: CliIo): Command {
  return decisionCommand(io, "approve");
}

export function rejectCommand(io: CliIo): Command {
  return decisionCommand(io, "reject");
}

export function rollbackCommand(io: CliIo): Command {
  const cmd = new Command("rollback")
    .description("put back the previous production version of MODEL in an environment (needs the approver role)")
    .argument("<model>", "model name")
    .requiredOption("--backend <id>", "backend holding the model")
    .requiredOption("--env <name>", "environment, e.g. production")
    .requiredOption("--reason <text>", "why: recorded in the audit trail");
  withWait(withClientOptions(cmd, io)).action(async (model: string, opts: RollbackOptions) => {
    await guarded(io, opts.json, async () => {
      const client = clientFor(opts, io);
      const { request } = await mutate(client, ROLLBACK, "modelRollback", { backend: opts.backend, model, environment: opts.env, reason: opts.reason });
      await finish(io, client, opts, request, false);
    });
  });
  return cmd;
}
