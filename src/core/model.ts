import type { GenerationConfig } from "./generation-config.js";
import type { Stage } from "./stage.js";

/** A registry backend configured in the gateway (one MLflow server, one SageMaker account/region, ...). */
export interface BackendInfo {
  /** Stable id from config, e.g. "git", "mlflow-prod", "sagemaker-eu-west-1-123456789012". */
  readonly id: string;
  /** Adapter kind, e.g. "git-yaml", "mlflow". */
  readonly kind: string;
}

export type Tags = Record<string, string>;

/** Where a version came from: enough to reproduce or audit it. */
export interface Lineage {
  runId?: string;
  /** Link to the training/eval run in the backend's own UI. */
  runLink?: string;
  codeCommit?: string;
  datasetHash?: string;
  /**
   * The model this one was fine-tuned or derived from (its parent or base model): a reference
   * ("backend/name@version", "name@version", an MLflow `models:/` URI, a SageMaker model package
   * ARN) or an outside model id ("meta-llama/Llama-3.1-8B-Instruct"). See docs/provenance.md.
   */
  parentModel?: string;
  /** The teacher this model was distilled from, as a reference of the same forms as `parentModel`. */
  teacherModel?: string;
}

export interface RegisteredModel {
  backendId: string;
  name: string;
  description?: string;
  tags: Tags;
  /** alias name -> version */
  aliases: Record<string, string>;
  createdAt?: Date;
  updatedAt?: Date;
  /** Highest version number known, when the backend reports it cheaply. */
  latestVersion?: string;
  /**
   * The backend's own fields that have no place above, read-only and as the backend names them
   * (JSON values), so nothing is lost by reading through the gateway. See {@link NativeFields}.
   */
  native?: NativeFields;
}

/**
 * A backend's native fields with no equivalent in the gateway's model: SageMaker's ModelLifeCycle
 * and approval description, Vertex AI labels and version aliases, MLflow's run link and logged
 * model id, git-YAML's extension keys (`x-...`). Keys are the backend's own names; values are JSON.
 */
export type NativeFields = Record<string, unknown>;

export interface ModelVersion {
  backendId: string;
  modelName: string;
  /** Versions are strings: MLflow and SageMaker number them, Vertex and git-YAML may not. */
  version: string;
  stage: Stage;
  /**
   * The backend's own word for the stage when it has one the gateway does not own, shown read-only
   * (MLflow's deprecated `current_stage`, SageMaker's `ModelApprovalStatus`, git-YAML's `status`).
   */
  nativeStage?: string;
  /** Artifact or source location (s3://, gs://, mlflow-artifacts:/, a git path ...). */
  artifactUri?: string;
  description?: string;
  tags: Tags;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  lineage: Lineage;
  aliases: string[];
  /** Present when the version is an LLM generation config (git-YAML entries, prompts + model pins). */
  generationConfig?: GenerationConfig;
  createdAt?: Date;
  updatedAt?: Date;
  createdBy?: string;
  /** The gateway copy request that registered this version (`RegisterVersionInput.copyRequestId`); absent for any other version. */
  copyRequestId?: string;
  /** The backend's own fields that have no place above, read-only (see {@link NativeFields}). */
  native?: NativeFields;
}

/** A version reference, as passed around by the workflow and the API. */
export interface VersionRef {
  backendId: string;
  modelName: string;
  version: string;
}
