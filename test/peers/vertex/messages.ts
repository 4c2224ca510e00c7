/**
 * The request messages the fake reads, as proto-loader decodes them (snake_case keys, defaults
 * filled: '' for strings, [] for repeated, {} for maps, null for unset messages).
 */
export interface ModelInput {
  name: string;
  display_name: string;
  description: string;
  version_description: string;
  version_aliases: string[];
  labels: Record<string, string>;
  artifact_uri: string;
  metadata_schema_uri: string;
  metadata: unknown;
  container_spec: { image_uri: string } | null;
  etag: string;
}

export interface FieldMask {
  paths: string[];
}

export interface UploadModelRequest {
  parent: string;
  parent_model: string;
  model_id: string;
  model: ModelInput | null;
  service_account: string;
}

export interface GetModelRequest {
  name: string;
}

export interface ListModelsRequest {
  parent: string;
  filter: string;
  page_size: number;
  page_token: string;
  read_mask: FieldMask | null;
  order_by: string;
}

export interface ListModelVersionsRequest {
  name: string;
  page_size: number;
  page_token: string;
  filter: string;
  read_mask: FieldMask | null;
  order_by: string;
}

export interface UpdateModelRequest {
  model: ModelInput | null;
  update_mask: FieldMask | null;
}

export interface MergeVersionAliasesRequest {
  name: string;
  version_aliases: string[];
}

export interface DeleteRequest {
  name: string;
}

export interface ModelEvaluationInput {
  display_name: string;
  metrics_schema_uri: string;
  metrics: unknown;
  slice_dimensions: string[];
  data_item_schema_uri: string;
  annotation_schema_uri: string;
  metadata: unknown;
}

export interface ImportModelEvaluationRequest {
  parent: string;
  model_evaluation: ModelEvaluationInput | null;
}

export interface GetModelEvaluationRequest {
  name: string;
}

export interface ListModelEvaluationsRequest {
  parent: string;
  filter: string;
  page_size: number;
  page_token: string;
  read_mask: FieldMask | null;
}

export interface GetOperationRequest {
  name: string;
}
