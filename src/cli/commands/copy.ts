/**
 * `modelgate copy FROM TO`: a cross-registry copy (docs/lifecycle.md#cross-registry-copies) through
 * the GraphQL API: the target's gates, then the outbox registers the version in the target. With
 * --wait it follows the request; exit codes as `promote` (0 APPLIED, 1 FAILED, 2 refused or
 * REJECTED, 4 still pending when --timeout ran out).
 */
import { Command } from "commander";
import { ModelgateUserError, type ModelgateClient, type UserError } from "../../client/index.js";
import { clientFor, guarded, withClientOptions } from "../client-options.js";
import { CliExit, EXIT, UsageError } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { printJson } from "../output.js";
import { REQUEST_FIELDS, type RequestJson } from "./promotion-documents.js";
import { exitFor, follow, withWait, type WaitOptions } from "./promote.js";

const COPY_FIELDS = `${REQUEST_FIELDS} copy { from to version }`;

export const COPY = `mutation Copy($input: ModelVersionCopyInput!) {
  modelVersionCopy(input: $input) { replayed promotionRequest { ${COPY_FIELDS} } userErrors { field code message } }
}`;

export const COPY_BY_ID = `query CopyRequest($id: ID!) { node(id: $id) { ... on PromotionRequest { ${COPY_FIELDS} } } }`;

export interface CopyJson extends RequestJson {
  copy: { from: string; to: string; version: string | null } | null;
}

interface CopyOptions extends WaitOptions {
  env?: string;
  reason: string;
  idempotencyKey?: string;
}

export function describeCopy(r: CopyJson): string {
  const copy = r.copy ?? { from: `${r.backendId}/${r.modelName}@${r.version}`, to: "?", version: null };
  const where = r.environment === "" ? r.toStage : `${r.toStage} in ${r.environment}`;
  const made = copy.version === null ? "" : `, registered as ${copy.to}@${copy.version}`;
  const head = `copy ${r.id}: ${copy.from} -> ${copy.to} (${where}): ${r.status}${made}`;
  const gates = r.gates.map((g) => `  ${g.passed ? "passed" : "waiting"}  ${g.gate}: ${g.detail}`);
  const failure = r.failure === null ? [] : [`  reason: ${r.failure}`];
  return [head, ...gates, ...failure].join("\n") + "\n";
}

async function poll(client: ModelgateClient, id: string): Promise<CopyJson> {
  const { data } = await client.graphql<{ node: CopyJson | null }>(COPY_BY_ID, { id });
  if (data.node === null) throw new UsageError(`request ${id} is gone`);
  return data.node;
}

export function copyCommand(io: CliIo): Command {
  const cmd = new Command("copy")
    .description("copy a version into another backend (same artifact, metadata, generation config, lineage) through the target's gates")
    .argument("<from>", 'the version: "backend/model@version", e.g. mlflow/churn@3')
    .argument("<to>", 'where: "backend/model", or "backend" for a model of the same name')
    .option("--env <name>", "land the copy in this environment's stage (not production); default: stage NONE")
    .requiredOption("--reason <text>", "why: recorded in the audit trail")
    .option("--idempotency-key <key>", "replaying the same key returns the first request (use the CI run id)");
  withWait(withClientOptions(cmd, io)).action(async (from: string, to: string, opts: CopyOptions) => {
    await guarded(io, opts.json, async () => {
      const client = clientFor(opts, io);
      const { data } = await client.graphql<{ modelVersionCopy: { promotionRequest: CopyJson | null; replayed: boolean; userErrors: UserError[] } }>(COPY, {
        input: {
          from,
          to,
          reason: opts.reason,
          ...(opts.env === undefined ? {} : { environment: opts.env }),
          ...(opts.idempotencyKey === undefined ? {} : { idempotencyKey: opts.idempotencyKey }),
        },
      });
      const payload = data.modelVersionCopy;
      if (payload.userErrors.length > 0 || payload.promotionRequest === null) throw new ModelgateUserError("modelVersionCopy", payload.userErrors);
      const r = await follow(client, opts, payload.promotionRequest, (id) => poll(client, id));
      if (opts.json) printJson(io, { ...r, replayed: payload.replayed });
      else io.stdout((payload.replayed ? "(replayed: this idempotency key was used before; nothing was done again)\n" : "") + describeCopy(r));
      const code = exitFor(r, opts.wait === true);
      if (code !== EXIT.OK) throw new CliExit(code);
    });
  });
  return cmd;
}
