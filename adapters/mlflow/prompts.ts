/**
 * Prompts of MLflow's Prompt Registry: registered models tagged `mlflow.prompt.is_prompt=true` whose
 * versions carry the template in the `mlflow.prompt.text` tag. A generation config's
 * `promptRef: "name@version"` names one by version number or by alias (`greeting@production`).
 * A chat prompt's template is its JSON list of messages, as MLflow stores it.
 */
import { NotFoundError, isRegistryError, type CallContext, type Prompt, type ReadOptions } from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { refuseAsOf } from "./model-reads.js";
import { PROMPT_TEXT_TAG, isPrompt } from "./tags.js";
import { tagMap, type VersionResponse } from "./wire.js";

const VERSION_NUMBER_RE = /^[1-9]\d{0,17}$/;

export async function getPrompt(b: BackendContext, name: string, version: string, ctx: CallContext, opts?: ReadOptions): Promise<Prompt> {
  refuseAsOf(b, opts);
  const ref = `${name}@${version}`;
  const byNumber = VERSION_NUMBER_RE.test(version);
  let res: VersionResponse;
  try {
    res = await b.http.call<VersionResponse>(
      byNumber
        ? { method: "GET", path: "model-versions/get", query: { name, version }, subject: `prompt "${ref}"` }
        : { method: "GET", path: "registered-models/alias", query: { name, alias: version }, subject: `prompt "${ref}"` },
      ctx,
    );
  } catch (err) {
    if (isRegistryError(err) && err.code === "NOT_FOUND") {
      throw new NotFoundError(`prompt "${ref}" not found in MLflow backend "${b.backend}" (${err.message})`, { backend: b.backend });
    }
    throw err;
  }
  const wire = res.model_version;
  const tags = tagMap(wire.tags);
  if (!isPrompt(tags)) {
    throw new NotFoundError(`"${ref}" is a model version in MLflow backend "${b.backend}", not a prompt of MLflow's Prompt Registry`, {
      backend: b.backend,
    });
  }
  const template = tags[PROMPT_TEXT_TAG];
  if (template === undefined) {
    throw new NotFoundError(`prompt "${ref}" in MLflow backend "${b.backend}" has no template (tag "${PROMPT_TEXT_TAG}" is missing)`, {
      backend: b.backend,
    });
  }
  return { name, version: wire.version, template, location: `prompts:/${name}/${wire.version}` };
}
