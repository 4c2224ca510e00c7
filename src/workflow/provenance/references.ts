/**
 * Lineage references: how a version names another model version (its parent or base model, its
 * teacher). docs/provenance.md#references defines the forms:
 *
 * - `backend/name@version` — a version (or an alias) in a configured backend: `mlflow/credit-risk@3`;
 * - `name@version` — looked up in the referring version's backend first, then in every other one
 *   (ambiguous when more than one other backend has it);
 * - `models:/name/version` and `models:/name@alias` — MLflow model URIs, looked up in MLflow backends;
 * - `arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>` — a SageMaker model
 *   package, looked up in SageMaker backends: the group by name regardless of case (SageMaker writes
 *   it lower case in ARNs), and the package only when its own ARN is this one (the same path in
 *   another account or region is another registry's);
 * - anything else (`meta-llama/Llama-3.1-8B-Instruct`) is an outside model id: it resolves nowhere
 *   and stays a dangling node of the lineage graph.
 */
import type { BackendInfo } from "../../core/index.js";

export type Reference =
  | { form: "qualified"; text: string; backendId: string; name: string; version: string }
  | { form: "name"; text: string; name: string; version: string }
  | { form: "mlflow-uri"; text: string; name: string; version: string }
  /** `name` is the group as the ARN writes it: lower case, whatever the group's own spelling. */
  | { form: "sagemaker-arn"; text: string; name: string; version: string; region: string; account: string }
  | { form: "external"; text: string; why: string };

const ARN = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}):model-package\/([^/]+)\/(\d+)$/;

export function parseReference(text: string, backends: readonly BackendInfo[]): Reference {
  const t = text.trim();
  const arn = ARN.exec(t);
  if (arn !== null) return { form: "sagemaker-arn", text: t, region: arn[1]!, account: arn[2]!, name: arn[3]!, version: arn[4]! };
  if (t.startsWith("models:/")) {
    const rest = t.slice("models:/".length);
    const at = rest.lastIndexOf("@");
    if (at > 0 && at < rest.length - 1) return { form: "mlflow-uri", text: t, name: rest.slice(0, at), version: rest.slice(at + 1) };
    const slash = rest.lastIndexOf("/");
    if (slash > 0 && slash < rest.length - 1) return { form: "mlflow-uri", text: t, name: rest.slice(0, slash), version: rest.slice(slash + 1) };
    return { form: "external", text: t, why: "an MLflow model URI without a version or alias" };
  }
  const at = t.lastIndexOf("@");
  if (at <= 0 || at === t.length - 1) return { form: "external", text: t, why: "an outside model id (no version named): no backend resolves it" };
  const left = t.slice(0, at);
  const version = t.slice(at + 1);
  const slash = left.indexOf("/");
  if (slash > 0 && backends.some((b) => b.id === left.slice(0, slash))) {
    return { form: "qualified", text: t, backendId: left.slice(0, slash), name: left.slice(slash + 1), version };
  }
  return { form: "name", text: t, name: left, version };
}

/** The backends a reference may resolve in, in the order to try them; `from` is the referring version's backend. */
export function candidateBackends(ref: Reference, backends: readonly BackendInfo[], from?: string): BackendInfo[] {
  switch (ref.form) {
    case "qualified":
      return backends.filter((b) => b.id === ref.backendId);
    case "mlflow-uri":
      return backends.filter((b) => b.kind === "mlflow");
    case "sagemaker-arn":
      return backends.filter((b) => b.kind === "sagemaker");
    case "name": {
      const own = backends.filter((b) => b.id === from);
      return [...own, ...backends.filter((b) => b.id !== from)];
    }
    case "external":
      return [];
  }
}

/** "backend/name@version": how a resolved version is named everywhere in provenance. */
export function versionKey(v: { backendId: string; modelName: string; version: string }): string {
  return `${v.backendId}/${v.modelName}@${v.version}`;
}
