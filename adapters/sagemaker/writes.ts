/**
 * Registering versions and writing stages. Every write is read back: SageMaker answers an update
 * with the ARN only, and a concurrent writer (another gateway, SageMaker Studio) may have changed
 * the version in between, which is reported as CONFLICT rather than served as if it were ours.
 */
import { randomUUID } from "node:crypto";
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteModelPackageCommand,
  DescribeModelPackageCommand,
  UpdateModelPackageCommand,
  type CreateModelPackageCommandInput,
  type DescribeModelPackageCommandOutput,
  type DescribeModelPackageGroupCommandOutput,
} from "@aws-sdk/client-sagemaker";
import {
  ConflictError,
  UnavailableError,
  callEnded,
  deadlineError,
  ensureCallActive,
  exponentialDelay,
  isRegistryError,
  type CallContext,
  type ModelVersion,
  type RegisterVersionInput,
  type Stage,
  type WriteApproval,
  type WriteOptions,
} from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { KEYS, MAX_ENTRIES, encodeMetadata, encodeValue } from "./customer-metadata.js";
import { isRetryableWrite } from "./errors.js";
import { aliasesOf } from "./group-tags.js";
import { describeGroup, groupTags, missingModel } from "./model-reads.js";
import { validateRegisterInput } from "./register-input.js";
import { approvalStatusOf, lifeCycleOf } from "./stage-projection.js";
import { toModelVersion } from "./to-domain.js";
import { describeVersion, groupAndVersion } from "./version-reads.js";

/** Attempts of CreateModelPackage (same ClientToken, so SageMaker creates one version at most). */
const CREATE_ATTEMPTS = 3;
const MAX_APPROVAL_DESCRIPTION = 1024;

function lockAbort(b: BackendContext, ctx: CallContext, doing: string): () => Error {
  return () => deadlineError(ctx, b.backend, doing);
}

/** The model's group, created first when missing and `createModel` allows (one creation per group at a time). */
async function ensureGroup(b: BackendContext, input: RegisterVersionInput, ctx: CallContext): Promise<DescribeModelPackageGroupCommandOutput> {
  const name = input.modelName;
  const doing = `registering a version of "${name}"`;
  return b.locks.run(
    `group:${name}`,
    async () => {
      b.cache.drop(ctx, `group:${name}`);
      try {
        return await describeGroup(b, name, ctx);
      } catch (err) {
        if (!(isRegistryError(err) && err.code === "NOT_FOUND")) throw err;
        if (input.createModel === false) throw missingModel(b, name, "createModel is false, so it is not created");
      }
      try {
        await b.api.send(ctx, { operation: "CreateModelPackageGroup", subject: `model "${name}"` }, (o) =>
          b.api.client.send(
            new CreateModelPackageGroupCommand({
              ModelPackageGroupName: name,
              ...(input.modelDescription ? { ModelPackageGroupDescription: input.modelDescription } : {}),
            }),
            o,
          ),
        );
      } catch (err) {
        // Another writer created it first: SageMaker refuses a second group of that name.
        if (!(isRegistryError(err) && (err.code === "ALREADY_EXISTS" || /already exists/i.test(err.message)))) throw err;
      }
      b.cache.drop(ctx, `group:${name}`);
      return describeGroup(b, name, ctx);
    },
    ctx.signal,
    lockAbort(b, ctx, doing),
  );
}

async function createPackage(b: BackendContext, request: CreateModelPackageCommandInput, ctx: CallContext): Promise<string> {
  const name = request.ModelPackageGroupName as string;
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await b.api.send(ctx, { operation: "CreateModelPackage", subject: `model "${name}"` }, (o) =>
        b.api.client.send(new CreateModelPackageCommand(request), o),
      );
      if (!created.ModelPackageArn) throw new UnavailableError(`${b.identity.describe()} created a version of "${name}" but returned no ARN`, { backend: b.backend });
      return created.ModelPackageArn;
    } catch (err) {
      if (attempt >= CREATE_ATTEMPTS || !isRetryableWrite(err) || callEnded(ctx)) throw err;
      b.logger.warn({ backend: b.backend, model: name, attempt, error: (err as Error).message }, "CreateModelPackage failed; retrying with the same client token");
      await new Promise((r) => setTimeout(r, exponentialDelay(attempt, { initialDelay: 100 })));
    }
  }
}

export async function registerVersion(b: BackendContext, input: RegisterVersionInput, ctx: CallContext, _opts?: WriteOptions): Promise<ModelVersion> {
  ensureCallActive(ctx, b.backend, `registering a version of "${input.modelName}"`);
  validateRegisterInput(input, b.backend);
  const metadata = encodeMetadata(
    {
      stage: "NONE",
      createdBy: ctx.actor.id,
      ...(input.copyRequestId === undefined ? {} : { copyRequestId: input.copyRequestId }),
      ...(input.tags ? { tags: input.tags } : {}),
      ...(input.params ? { params: input.params } : {}),
      ...(input.metrics ? { metrics: input.metrics } : {}),
      ...(input.lineage ? { lineage: input.lineage } : {}),
      ...(input.generationConfig ? { generationConfig: input.generationConfig } : {}),
    },
    b.backend,
  );
  await ensureGroup(b, input, ctx);
  const lineage = input.lineage ?? {};
  const metadataProperties = {
    ...(lineage.codeCommit ? { CommitId: lineage.codeCommit } : {}),
    ...(lineage.runId ? { GeneratedBy: lineage.runId } : {}),
  };
  const arn = await createPackage(
    b,
    {
      ModelPackageGroupName: input.modelName,
      ClientToken: randomUUID(),
      ModelApprovalStatus: approvalStatusOf("NONE"),
      InferenceSpecification: {
        Containers: [{ Image: b.config.containerImage, ...(input.artifactUri ? { ModelDataUrl: input.artifactUri } : {}) }],
      },
      CustomerMetadataProperties: metadata,
      ...(input.description ? { ModelPackageDescription: input.description } : {}),
      ...(Object.keys(metadataProperties).length > 0 ? { MetadataProperties: metadataProperties } : {}),
      ...(b.config.modelLifeCycle ? { ModelLifeCycle: lifeCycleOf("NONE", undefined) } : {}),
    },
    ctx,
  );
  b.identity.observe(arn);
  const pkg = await b.api.send(ctx, { operation: "DescribeModelPackage", subject: `new version of model "${input.modelName}"` }, (o) =>
    b.api.client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }), o),
  );
  // A new version carries no alias yet.
  return toModelVersion(pkg, input.modelName, [], b.backend, b.logger);
}

/** What a read-back shows that the write did not ask for. */
function stageMismatches(
  after: DescribeModelPackageCommandOutput,
  sent: { status: string; description: string; metadata: Record<string, string>; lifeCycle?: { Stage?: string; StageStatus?: string } },
): string[] {
  const out: string[] = [];
  if (after.ModelApprovalStatus !== sent.status) out.push(`ModelApprovalStatus is ${after.ModelApprovalStatus ?? "(none)"}, not ${sent.status}`);
  if ((after.ApprovalDescription ?? "") !== sent.description) out.push("ApprovalDescription differs");
  const have = after.CustomerMetadataProperties ?? {};
  for (const [key, value] of Object.entries(sent.metadata)) {
    if (have[key] !== value) out.push(`metadata "${key}" is ${have[key] === undefined ? "missing" : JSON.stringify(have[key])}, not ${JSON.stringify(value)}`);
  }
  if (sent.lifeCycle && (after.ModelLifeCycle?.Stage !== sent.lifeCycle.Stage || after.ModelLifeCycle?.StageStatus !== sent.lifeCycle.StageStatus)) {
    out.push(
      after.ModelLifeCycle
        ? `ModelLifeCycle is ${after.ModelLifeCycle.Stage}/${after.ModelLifeCycle.StageStatus}`
        : "ModelLifeCycle was not kept (this SageMaker service may not store it: set modelLifeCycle: false)",
    );
  }
  return out;
}

/**
 * SageMaker's own record of an approval: "modelgate request <id> approved by alice, bob at <iso>",
 * then the write's reason. This is what SageMaker Studio shows as the version's approval comment.
 */
export function approvalDescription(approval: WriteApproval, reason: string | undefined): string {
  const text = `modelgate request ${approval.requestId} approved by ${approval.approvedBy.join(", ")} at ${approval.approvedAt.toISOString()}`;
  return reason === undefined ? text : `${text}: ${reason}`;
}

/** The metadata after a stage write: `modelgate:stage`, and `modelgate:approval-id` when it has room. */
function stageMetadata(
  b: BackendContext,
  current: Record<string, string>,
  stage: Stage,
  approval: WriteApproval | undefined,
): Record<string, string> {
  const out: Record<string, string> = { ...current, [KEYS.stage]: stage };
  if (approval === undefined) return out;
  const id = encodeValue(approval.requestId);
  const room = KEYS.approvalId in out || Object.keys(out).length < MAX_ENTRIES;
  if (id !== undefined && room) out[KEYS.approvalId] = id;
  else {
    b.logger.warn(
      { backend: b.backend, requestId: approval.requestId },
      `no room for ${KEYS.approvalId} in the version's metadata (SageMaker keeps ${MAX_ENTRIES} entries): the approval is in ApprovalDescription only`,
    );
  }
  return out;
}

/**
 * Writes a stage: ModelApprovalStatus (its projection), `modelgate:stage`, and ModelLifeCycle when
 * configured. The update always carries the full approval field set (status, description, all
 * metadata): SageMaker keeps fields an update leaves out, but emulators (moto) clear them. With
 * `opts.approval` the ApprovalDescription names the request, its approvers and time
 * (approvalDescription), and the metadata `modelgate:approval-id` holds the request id.
 */
export async function setStage(b: BackendContext, name: string, version: string, stage: Stage, ctx: CallContext, opts?: WriteOptions): Promise<ModelVersion> {
  const doing = `setting the stage of version ${version} of "${name}"`;
  ensureCallActive(ctx, b.backend, doing);
  return b.locks.run(
    `stage:${name}/${version}`,
    async () => {
      const { groupArn, number, pkg } = await groupAndVersion(b, name, version, ctx);
      const reason = opts?.reason?.trim() ? opts.reason.trim() : undefined;
      const sent = {
        status: approvalStatusOf(stage),
        description: (opts?.approval === undefined
          ? (reason ?? pkg.ApprovalDescription ?? `modelgate: stage ${stage}`)
          : approvalDescription(opts.approval, reason)
        ).slice(0, MAX_APPROVAL_DESCRIPTION),
        metadata: stageMetadata(b, pkg.CustomerMetadataProperties ?? {}, stage, opts?.approval),
        ...(b.config.modelLifeCycle ? { lifeCycle: lifeCycleOf(stage, reason) } : {}),
      };
      await b.api.send(ctx, { operation: "UpdateModelPackage", subject: `version ${version} of model "${name}"` }, (o) =>
        b.api.client.send(
          new UpdateModelPackageCommand({
            ModelPackageArn: pkg.ModelPackageArn,
            ModelApprovalStatus: sent.status,
            ApprovalDescription: sent.description,
            CustomerMetadataProperties: sent.metadata,
            ...(sent.lifeCycle ? { ModelLifeCycle: sent.lifeCycle } : {}),
          }),
          o,
        ),
      );
      const after = await describeVersion(b, name, groupArn, number, ctx, true);
      const mismatches = stageMismatches(after, sent);
      if (mismatches.length > 0) {
        throw new ConflictError(
          `version ${version} of "${name}" in ${b.identity.describe()} is not as written after setting stage ${stage} (changed concurrently?): ${mismatches.join("; ")}`,
          { backend: b.backend },
        );
      }
      const tags = await groupTags(b, name, groupArn, ctx);
      return toModelVersion(after, name, aliasesOf(tags.aliases, version), b.backend, b.logger);
    },
    ctx.signal,
    lockAbort(b, ctx, doing),
  );
}

/**
 * Removes a version (DeleteModelPackage of its ARN). Read first, so a version that is not there is
 * NotFoundError; the model package group stays, even when empty.
 */
export async function deleteVersion(b: BackendContext, name: string, version: string, ctx: CallContext): Promise<void> {
  const doing = `deleting version ${version} of "${name}"`;
  ensureCallActive(ctx, b.backend, doing);
  await b.locks.run(
    `stage:${name}/${version}`,
    async () => {
      const { pkg } = await groupAndVersion(b, name, version, ctx);
      await b.api.send(ctx, { operation: "DeleteModelPackage", subject: `version ${version} of model "${name}"` }, (o) =>
        b.api.client.send(new DeleteModelPackageCommand({ ModelPackageName: pkg.ModelPackageArn }), o),
      );
      b.cache.drop(ctx, `group:${name}`);
    },
    ctx.signal,
    lockAbort(b, ctx, doing),
  );
}
