/**
 * `modelgate deploy FILE [--promote [--wait]]` and `modelgate deploy rollback NAME --env ENV`:
 * deployments from a spec file, through the GraphQL API (MODELGATE_URL, MODELGATE_TOKEN).
 *
 * `deploy` records the spec's components as a new revision ("unchanged" when they equal the latest
 * revision: nothing is recorded); with --promote it asks to put that revision in the environment,
 * one request for the whole bundle through the environment's gates and approvals. Exit codes as
 * for `promote`: 0 recorded (or APPLIED with --wait), 1 FAILED, 2 refused or REJECTED (and a bad
 * spec file), 3 not found, 4 still pending when --timeout ran out.
 */
import { Command } from "commander";
import type { DeploymentRevision, DeploymentRevisionCreateResult, ModelgateClient, PromotionRequest } from "../../client/index.js";
import { clientFor, guarded, withClientOptions } from "../client-options.js";
import { readDeploymentSpec } from "../deployment-spec.js";
import { CliExit, EXIT, UsageError } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { formatTable, printJson } from "../output.js";
import { positiveInt } from "../parse.js";
import { describeRequest, exitFor, follow, withWait, type WaitOptions } from "./promote.js";

interface DeployOptions extends WaitOptions {
  promote?: boolean;
  reason?: string;
  idempotencyKey?: string;
}

interface DeployRollbackOptions extends WaitOptions {
  env: string;
  revision?: number;
  reason: string;
}

const OPEN = new Set(["PENDING", "APPLYING"]);

export function deployCommand(io: CliIo): Command {
  const cmd = new Command("deploy")
    .description("record a deployment revision from a spec file (YAML or JSON); with --promote, ask to put it in its environment")
    .argument("<file>", "deployment spec: { name, environment, reason?, components: [{ role, backend, model, version, weight, shadow? }] }")
    .option("--promote", "ask to put the revision in the environment (gates and approvals, then applied)")
    .option("--reason <text>", "why: recorded in the audit trail (default: the spec's reason)")
    .option("--idempotency-key <key>", "with --promote: replaying the same key returns the first request (use the CI run id)")
    // Options before `rollback` belong to deploy, after it to rollback.
    .enablePositionalOptions();
  withWait(withClientOptions(cmd, io)).action(async (file: string, opts: DeployOptions) => {
    await guarded(io, opts.json, async () => {
      if (opts.wait && !opts.promote) throw new UsageError("--wait follows the promotion: it needs --promote");
      if (opts.idempotencyKey !== undefined && !opts.promote) throw new UsageError("--idempotency-key needs --promote");
      const spec = await readDeploymentSpec(file);
      const reason = opts.reason ?? spec.reason;
      if (reason === undefined || reason.trim() === "") {
        throw new UsageError(`a reason is needed: pass --reason or set "reason" in ${file}`);
      }
      const client = clientFor(opts, io);
      const created = await client.deploymentRevisionCreate({
        name: spec.name,
        environment: spec.environment,
        reason,
        components: spec.components,
        ...(spec.rollout === undefined ? {} : { rollout: spec.rollout }),
      });
      const recorded = describeRevision(created);
      if (!opts.json) io.stdout(recorded);
      if (!opts.promote) {
        if (opts.json) printJson(io, { ...created, promotionRequest: null });
        return;
      }
      let request: PromotionRequest | null;
      let replayed = false;
      try {
        ({ request, replayed } = await promoteRevision(io, client, created, reason, opts));
      } catch (err) {
        // The revision is recorded whatever happens to the promotion: say so next to the error.
        if (opts.json) io.stderr(recorded);
        throw err;
      }
      if (request === null) {
        if (opts.json) printJson(io, { ...created, promotionRequest: null });
        return;
      }
      const last = await follow(client, opts, request, (id) => client.promotionRequest(id));
      if (opts.json) printJson(io, { ...created, promotionRequest: { ...last, replayed } });
      else io.stdout((replayed ? "(replayed: this idempotency key was used before; nothing was done again)\n" : "") + describeRequest(last));
      const code = exitFor(last, opts.wait === true);
      if (code !== EXIT.OK) throw new CliExit(code);
    });
  });
  cmd.addCommand(deployRollbackCommand(io));
  return cmd;
}

/**
 * The request to follow for the revision: a new promotion, or the open one when the unchanged
 * revision already has one (a re-run of the same CI job); null when the revision already runs.
 */
async function promoteRevision(
  io: CliIo,
  client: ModelgateClient,
  created: DeploymentRevisionCreateResult,
  reason: string,
  opts: DeployOptions,
): Promise<{ request: PromotionRequest | null; replayed: boolean }> {
  const { deployment, revision } = created;
  if (created.unchanged) {
    if (revision.status === "ACTIVE") {
      if (!opts.json) io.stdout(`revision ${revision.number} already runs in ${deployment.environment}: nothing to promote\n`);
      return { request: null, replayed: false };
    }
    const open = revision.requests.find((r) => r.kind === "PROMOTION" && OPEN.has(r.status));
    if (open !== undefined) {
      if (!opts.json) io.stdout(`revision ${revision.number} already has an open request, requested by ${open.requestedBy}: following it\n`);
      return { request: await client.promotionRequest(open.id), replayed: false };
    }
  }
  const { promotionRequest, replayed } = await client.deploymentPromote({
    name: deployment.name,
    environment: deployment.environment,
    revision: revision.number,
    reason,
    ...(opts.idempotencyKey === undefined ? {} : { idempotencyKey: opts.idempotencyKey }),
  });
  return { request: promotionRequest, replayed };
}

function describeRevision({ deployment, revision, unchanged }: DeploymentRevisionCreateResult): string {
  const where = `${deployment.name} in ${deployment.environment}`;
  return unchanged
    ? `unchanged: ${where} already has these components as revision ${revision.number} (${revision.status}, content hash ${revision.contentHash}); nothing recorded\n`
    : `recorded revision ${revision.number} of ${where} (content hash ${revision.contentHash})\n`;
}

function deployRollbackCommand(io: CliIo): Command {
  const cmd = new Command("rollback")
    .description("put an earlier revision of a deployment back in an environment, without gates (needs the approver role)")
    .argument("<name>", "deployment name")
    .requiredOption("--env <name>", "environment, e.g. production")
    .option("--revision <n>", "the revision to go back to (default: the one that ran before the current one)", positiveInt)
    .requiredOption("--reason <text>", "why: recorded in the audit trail");
  withWait(withClientOptions(cmd, io)).action(async (name: string, opts: DeployRollbackOptions) => {
    await guarded(io, opts.json, async () => {
      const client = clientFor(opts, io);
      const { promotionRequest, replayed } = await client.deploymentRollback({
        name,
        environment: opts.env,
        reason: opts.reason,
        ...(opts.revision === undefined ? {} : { revision: opts.revision }),
      });
      const last = await follow(client, opts, promotionRequest, (id) => client.promotionRequest(id));
      if (opts.json) printJson(io, { ...last, replayed });
      else io.stdout(describeRequest(last));
      const code = exitFor(last, opts.wait === true);
      if (code !== EXIT.OK) throw new CliExit(code);
    });
  });
  return cmd;
}

/** Components of a revision as a table: role, traffic, version and its stage now. */
export function componentTable(revision: DeploymentRevision): string {
  const rows = revision.components.map((c) => [
    c.role,
    c.shadow ? "shadow" : `${c.weight}%`,
    `${c.backendId}/${c.modelName}@${c.version}`,
    c.stage ?? "GONE",
  ]);
  return formatTable(["ROLE", "TRAFFIC", "VERSION", "STAGE"], rows);
}
