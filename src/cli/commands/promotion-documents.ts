/** GraphQL documents of the promotion commands. */

export const REQUEST_FIELDS = `id kind status backendId modelName version environment fromStage toStage requestedBy failure
  gates { gate passed detail }
  deploymentRevision { number }`;

export const PROMOTE = `mutation Promote($input: PromotionRequestInput!) {
  promotionRequest(input: $input) { replayed promotionRequest { ${REQUEST_FIELDS} } userErrors { field code message } }
}`;

export const APPROVE = `mutation Approve($input: PromotionDecisionInput!) {
  promotionApprove(input: $input) { promotionRequest { ${REQUEST_FIELDS} } userErrors { field code message } }
}`;

export const REJECT = `mutation Reject($input: PromotionDecisionInput!) {
  promotionReject(input: $input) { promotionRequest { ${REQUEST_FIELDS} } userErrors { field code message } }
}`;

export const ROLLBACK = `mutation Rollback($input: ModelRollbackInput!) {
  modelRollback(input: $input) { promotionRequest { ${REQUEST_FIELDS} } userErrors { field code message } }
}`;

export const REQUEST_BY_ID = `query PromotionRequest($id: ID!) { node(id: $id) { ... on PromotionRequest { ${REQUEST_FIELDS} } } }`;

export interface RequestJson {
  id: string;
  kind: string;
  status: "PENDING" | "APPLYING" | "APPLIED" | "FAILED" | "REJECTED";
  backendId: string;
  modelName: string;
  version: string;
  environment: string;
  fromStage: string;
  toStage: string;
  requestedBy: string;
  failure: string | null;
  gates: { gate: string; passed: boolean; detail: string }[];
  /** Set when the request covers a deployment revision (then modelName is the deployment, version the revision). */
  deploymentRevision: { number: number } | null;
}
