/** The deployment tables as Kysely sees them (DDL and reasons in ./migrations/0004_deployments.ts). */
export interface DeploymentsTable {
  id: string;
  name: string;
  environment: string;
  created_by: string;
  created_at: string;
}

export interface DeploymentRevisionsTable {
  id: string;
  deployment_id: string;
  number: number;
  status: string;
  content_hash: string;
  created_by: string;
  reason: string;
  created_at: string;
  audit_event_id: string;
}

export interface DeploymentRevisionComponentsTable {
  revision_id: string;
  position: number;
  role: string;
  backend_id: string;
  model_name: string;
  version: string;
  weight: number;
  shadow: number;
}

export interface DeploymentActivationsTable {
  id: string;
  deployment_id: string;
  revision_id: string;
  request_id: string;
  open_key: string | null;
  activated_at: string;
  deactivated_at: string | null;
}

export interface DeploymentDatabase {
  deployment_activations: DeploymentActivationsTable;
  deployments: DeploymentsTable;
  deployment_revisions: DeploymentRevisionsTable;
  deployment_revision_components: DeploymentRevisionComponentsTable;
}
