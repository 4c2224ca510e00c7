/** Checking a RegisterVersionInput and turning it into a version entry of a model file. */
import { InvalidInputError, parseRef, type RegisterVersionInput } from "../../src/core/index.js";
import { MODEL_NAME_RE } from "./entry-schema.js";
import type { VersionEntryInput } from "./model-file-edits.js";

export function validateRegisterInput(input: RegisterVersionInput, backend: string): void {
  const fail = (field: string, message: string): never => {
    throw new InvalidInputError(`${field}: ${message}`, { backend, field });
  };
  if (typeof input.modelName !== "string" || !MODEL_NAME_RE.test(input.modelName)) {
    fail(
      "modelName",
      `"${String(input.modelName)}" is not a valid model name: start with a letter or digit, then letters, digits, '.', '_' or '-' (at most 128)`,
    );
  }
  if (input.artifactUri !== undefined && (typeof input.artifactUri !== "string" || input.artifactUri.length === 0)) {
    fail("artifactUri", "must be a non-empty string");
  }
  for (const [key, value] of Object.entries(input.tags ?? {})) {
    if (typeof value !== "string") fail(`tags.${key}`, "tag values are strings");
  }
  for (const [key, value] of Object.entries(input.metrics ?? {})) {
    if (typeof value !== "number" || !Number.isFinite(value)) fail(`metrics.${key}`, "metrics are finite numbers");
  }
  for (const [key, value] of Object.entries(input.lineage ?? {})) {
    if (value !== undefined && typeof value !== "string") fail(`lineage.${key}`, "must be a string");
  }
  const config = input.generationConfig;
  if (config !== undefined) {
    if (typeof config.model !== "string" || config.model.trim().length === 0 || config.model.trim() !== config.model) {
      fail("generationConfig.model", "must be a provider model id without surrounding whitespace");
    }
    for (const field of ["promptRef", "toolsRef"] as const) {
      const ref = config[field];
      if (ref !== undefined && (typeof ref !== "string" || parseRef(ref) === undefined)) {
        fail(`generationConfig.${field}`, `expected "name@version", got ${JSON.stringify(ref)}`);
      }
    }
    if (config.eval !== undefined) {
      if (typeof config.eval.suite !== "string" || config.eval.suite.length === 0) {
        fail("generationConfig.eval.suite", "must be a non-empty string");
      }
      if (typeof config.eval.score !== "number" || !Number.isFinite(config.eval.score)) {
        fail("generationConfig.eval.score", "must be a finite number");
      }
    }
  }
}

/**
 * The entry a registered version gets: status draft, stamped with when and by whom. A generation
 * config's params are merged over `input.params` (a git-YAML version has one `params`).
 */
export function toVersionEntry(input: RegisterVersionInput, version: string, actorId: string, now: Date): VersionEntryInput {
  const config = input.generationConfig;
  const entry: VersionEntryInput = { version, status: "draft" };
  if (config !== undefined) {
    entry.model = config.model;
    if (config.promptRef !== undefined) entry.prompt_ref = config.promptRef;
    if (config.toolsRef !== undefined) entry.tools_ref = config.toolsRef;
  }
  const params = { ...(input.params ?? {}), ...(config?.params ?? {}) };
  if (Object.keys(params).length > 0) entry.params = params;
  if (config?.eval !== undefined) {
    const evalEntry: Record<string, unknown> = { suite: config.eval.suite, score: config.eval.score };
    if (config.eval.run !== undefined) evalEntry["run"] = config.eval.run;
    if (config.eval.artifactUri !== undefined) evalEntry["artifact_uri"] = config.eval.artifactUri;
    entry.eval = evalEntry;
  }
  if (config?.approvedBy !== undefined) entry.approved_by = config.approvedBy;
  if (input.description !== undefined) entry.description = input.description;
  if (input.artifactUri !== undefined) entry.artifact_uri = input.artifactUri;
  if (input.tags !== undefined) entry.tags = { ...input.tags };
  if (input.metrics !== undefined) entry.metrics = { ...input.metrics };
  const lineage: Record<string, string> = {};
  const l = input.lineage;
  if (l?.runId !== undefined) lineage["run_id"] = l.runId;
  if (l?.runLink !== undefined) lineage["run_link"] = l.runLink;
  if (l?.codeCommit !== undefined) lineage["code_commit"] = l.codeCommit;
  if (l?.datasetHash !== undefined) lineage["dataset_hash"] = l.datasetHash;
  if (l?.parentModel !== undefined) lineage["parent_model"] = l.parentModel;
  if (l?.teacherModel !== undefined) lineage["teacher_model"] = l.teacherModel;
  if (Object.keys(lineage).length > 0) entry.lineage = lineage;
  entry.created_at = now.toISOString();
  entry.created_by = actorId;
  if (input.copyRequestId !== undefined) entry.copy_request = input.copyRequestId;
  return entry;
}
