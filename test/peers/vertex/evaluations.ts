/**
 * Model evaluations of the fake. An evaluation belongs to one version: `parent` may name it
 * (`models/{id}@{version or alias}`), and a bare model name means the default version, as for
 * GetModel. Evaluations are named by the proto's pattern
 * `projects/{project}/locations/{location}/models/{model}/evaluations/{evaluation}`.
 */
import { randomInt } from "node:crypto";
import type { GetModelEvaluationRequest, ImportModelEvaluationRequest, ListModelEvaluationsRequest } from "./messages.js";
import { modelName, parseEvaluationName, parseModelName } from "./names.js";
import { paginate } from "./paging.js";
import type { FakeModelRegistry } from "./registry.js";
import { invalidArgument, notFound } from "./rpc-error.js";
import { timestamp, type Clock, type StoredEvaluation, type StoredModel } from "./state.js";

export class FakeEvaluations {
  constructor(
    private readonly registry: FakeModelRegistry,
    private readonly clock: Clock,
  ) {}

  importModelEvaluation(req: ImportModelEvaluationRequest): Record<string, unknown> {
    const ref = parseModelName(req.parent, "parent");
    const model = this.registry.model(ref);
    const version = this.registry.version(model, ref);
    const input = req.model_evaluation;
    if (!input) throw invalidArgument("model_evaluation: required");
    const evaluation: StoredEvaluation = {
      id: String(randomInt(1, 2 ** 47)),
      display_name: input.display_name,
      metrics_schema_uri: input.metrics_schema_uri,
      metrics: input.metrics,
      slice_dimensions: [...input.slice_dimensions],
      data_item_schema_uri: input.data_item_schema_uri,
      annotation_schema_uri: input.annotation_schema_uri,
      metadata: input.metadata,
      createTime: this.clock.now(),
    };
    version.evaluations.push(evaluation);
    return message(model, evaluation);
  }

  getModelEvaluation(req: GetModelEvaluationRequest): Record<string, unknown> {
    const { model: ref, evaluationId } = parseEvaluationName(req.name, "name");
    const model = this.registry.model(ref);
    const versions = ref.at === undefined ? model.versions : [this.registry.version(model, ref)];
    for (const version of versions) {
      const found = version.evaluations.find((e) => e.id === evaluationId);
      if (found) return message(model, found);
    }
    throw notFound(`ModelEvaluation "${req.name}" does not exist.`);
  }

  listModelEvaluations(req: ListModelEvaluationsRequest): Record<string, unknown> {
    const ref = parseModelName(req.parent, "parent");
    if (req.filter.trim() !== "") throw invalidArgument(`filter: "${req.filter}": the fake implements no filter on model evaluations`);
    const model = this.registry.model(ref);
    const version = this.registry.version(model, ref);
    const page = paginate(version.evaluations, req, ["ListModelEvaluations", req.parent]);
    const mask = req.read_mask?.paths ?? [];
    return {
      model_evaluations: page.items.map((e) => {
        const full = message(model, e);
        return mask.length === 0 ? full : Object.fromEntries(Object.entries(full).filter(([k]) => mask.includes(k)));
      }),
      next_page_token: page.next_page_token,
    };
  }
}

function message(model: StoredModel, e: StoredEvaluation): Record<string, unknown> {
  return {
    name: `${modelName(model.location, model.id)}/evaluations/${e.id}`,
    display_name: e.display_name,
    metrics_schema_uri: e.metrics_schema_uri,
    metrics: e.metrics,
    create_time: timestamp(e.createTime),
    slice_dimensions: e.slice_dimensions,
    data_item_schema_uri: e.data_item_schema_uri,
    annotation_schema_uri: e.annotation_schema_uri,
    metadata: e.metadata,
  };
}
