/**
 * A version's identity: SHA-256 over the RFC 8785 JSON of what determines the model — the code
 * commit, the dataset hash, the training params (seeds among them) and, for LLM entries, the
 * pinned model id, the prompt text, the tool schemas and the generation params. Two versions with
 * the same complete identity are the same model registered twice.
 */
import { canonicalSha256, isRegistryError, parseRef, type CallContext, type ModelVersion, type Prompt, type ToolSet } from "../../core/index.js";
import type { Catalog } from "../../catalog/catalog.js";

/** Inputs a complete identity needs. Trained models: codeCommit, datasetHash, params, seed. LLM entries: model, prompt, params (+ tools when referenced). */
export type IdentityInput = "codeCommit" | "datasetHash" | "params" | "seed" | "model" | "prompt" | "tools";

export interface VersionIdentity {
  /** "sha256:<hex>". */
  identity: string;
  complete: boolean;
  /** Inputs that were missing (the identity is computed without them). */
  missing: IdentityInput[];
  /** Why a referenced prompt or tool set could not be read. */
  problems: string[];
  /** What was hashed (before canonicalisation). */
  inputs: Record<string, unknown>;
}

export interface VersionContent {
  prompt?: Prompt;
  tools?: ToolSet;
  problems: string[];
}

/** A param that fixes randomness: "seed", "random_seed", "train.seed", "seedValue" ... */
export const SEED_PARAM = /(^|[._-])seed($|[._-]|[A-Z])|^seed|Seed$/i;

/** The prompt and tool schemas a version's generation config refers to, read from its backend (as resolve() inlines them). */
export async function versionContent(catalog: Catalog, version: ModelVersion, ctx: CallContext): Promise<VersionContent> {
  const gen = version.generationConfig;
  const problems: string[] = [];
  if (gen === undefined) return { problems };
  const adapter = catalog.backend(version.backendId);
  const read = async <T>(ref: string | undefined, get: ((name: string, version: string) => Promise<T>) | undefined): Promise<T | undefined> => {
    if (ref === undefined) return undefined;
    const parsed = parseRef(ref);
    if (parsed === undefined) {
      problems.push(`${ref}: not a "name@version" reference`);
      return undefined;
    }
    if (get === undefined) {
      problems.push(`${ref}: backend ${version.backendId} serves no prompts or tool schemas`);
      return undefined;
    }
    try {
      return await get(parsed.name, parsed.version);
    } catch (err) {
      if (!isRegistryError(err) || err.code === "UNAVAILABLE" || err.code === "DEADLINE_EXCEEDED") throw err;
      problems.push(`${ref}: ${err.message}`);
      return undefined;
    }
  };
  const [prompt, tools] = await Promise.all([
    read(gen.promptRef, adapter.getPrompt === undefined ? undefined : (n, v) => adapter.getPrompt!(n, v, ctx)),
    read(gen.toolsRef, adapter.getToolSet === undefined ? undefined : (n, v) => adapter.getToolSet!(n, v, ctx)),
  ]);
  return { ...(prompt === undefined ? {} : { prompt }), ...(tools === undefined ? {} : { tools }), problems };
}

export function computeIdentity(version: ModelVersion, content: VersionContent): VersionIdentity {
  const gen = version.generationConfig;
  const missing: IdentityInput[] = [];
  const l = version.lineage;
  let inputs: Record<string, unknown>;
  if (gen !== undefined) {
    if (gen.promptRef !== undefined && content.prompt === undefined) missing.push("prompt");
    if (gen.toolsRef !== undefined && content.tools === undefined) missing.push("tools");
    inputs = {
      kind: "llm",
      model: gen.model,
      params: gen.params,
      prompt: content.prompt?.template ?? null,
      tools: content.tools?.tools ?? null,
      // Fine-tuned adapters also carry training lineage: it is part of what they are.
      codeCommit: l.codeCommit ?? null,
      datasetHash: l.datasetHash ?? null,
      baseModel: l.parentModel ?? null,
      artifactParams: version.params,
    };
  } else {
    if (!l.codeCommit) missing.push("codeCommit");
    if (!l.datasetHash) missing.push("datasetHash");
    if (Object.keys(version.params).length === 0) missing.push("params");
    if (!Object.keys(version.params).some((k) => SEED_PARAM.test(k))) missing.push("seed");
    inputs = {
      kind: "model",
      codeCommit: l.codeCommit ?? null,
      datasetHash: l.datasetHash ?? null,
      params: version.params,
      baseModel: l.parentModel ?? null,
      teacherModel: l.teacherModel ?? null,
    };
  }
  return { identity: `sha256:${canonicalSha256(inputs)}`, complete: missing.length === 0, missing, problems: content.problems, inputs };
}
