/** The GraphQL documents the typed helpers send (plain strings: the client imports no graphql). */

const MODEL_FIELDS = `
fragment ModelFields on RegisteredModel {
  id name backendId description latestVersion createdAt updatedAt
  tags { key value }
  aliases { name version }
}`;

const VERSION_FIELDS = `
fragment VersionFields on ModelVersion {
  id backendId modelName version stage nativeStage registryVersion serving artifactUri description aliases
  tags { key value }
  metrics { key value }
  params
  lineage { runId runLink codeCommit datasetHash parentModel }
  generationConfig { model promptRef toolsRef params approvedBy eval { suite score run artifactUri } }
  createdAt updatedAt createdBy
}`;

export const BACKENDS = `
query ModelgateBackends {
  backends {
    id backendId kind
    health { state latencyMs message circuit checkedAt }
    capabilities { asOf generationConfigs prompts aliases writes maxPageSize }
  }
}`;

export const MODELS = `
query ModelgateModels($backend: String, $filter: ModelFilter, $first: Int, $after: String, $asOf: DateTime) {
  models(backend: $backend, filter: $filter, first: $first, after: $after, asOf: $asOf) {
    nodes { ...ModelFields }
    pageInfo { hasNextPage endCursor }
    failedBackends { backendId code message }
  }
}
${MODEL_FIELDS}`;

export const VERSIONS = `
query ModelgateVersions($backend: String!, $model: String!, $first: Int, $after: String, $filter: ModelVersionFilter, $asOf: DateTime) {
  model(backend: $backend, name: $model, asOf: $asOf) {
    versions(first: $first, after: $after, filter: $filter) {
      nodes { ...VersionFields }
      pageInfo { hasNextPage endCursor }
    }
  }
}
${VERSION_FIELDS}`;

export const REGISTER_VERSION = `
mutation ModelgateRegisterVersion($input: ModelVersionRegisterInput!) {
  modelVersionRegister(input: $input) {
    modelVersion { ...VersionFields }
    userErrors { field code message }
  }
}
${VERSION_FIELDS}`;

export const SET_ALIAS = `
mutation ModelgateSetAlias($input: AliasSetInput!) {
  aliasSet(input: $input) {
    modelVersion { ...VersionFields }
    previousVersion
    userErrors { field code message }
  }
}
${VERSION_FIELDS}`;

export const REMOVE_ALIAS = `
mutation ModelgateRemoveAlias($input: AliasRemoveInput!) {
  aliasRemove(input: $input) {
    model { ...ModelFields }
    removedFromVersion
    userErrors { field code message }
  }
}
${MODEL_FIELDS}`;

const COMPONENT_FIELDS = `role backendId modelName version weight shadow serving modelVersion { stage }`;

export const PROMOTION_REQUEST_FIELDS = `
fragment PromotionRequestFields on PromotionRequest {
  id kind status backendId modelName version environment fromStage toStage requestedBy reason failure createdAt updatedAt
  policy { source approvals canary minEvalScore }
  gates { gate passed detail }
  decisions { actor decision comment at }
  deploymentRevision { number status contentHash }
}`;

const REVISION_FIELDS = `
fragment RevisionFields on DeploymentRevision {
  id number status contentHash createdBy createdAt reason
  components { ${COMPONENT_FIELDS} }
  requests { id kind status requestedBy }
}`;

const DEPLOYMENT_FIELDS = `
fragment DeploymentFields on Deployment {
  id name environment createdBy createdAt
  currentRevision { ...RevisionFields }
  latestRevision { ...RevisionFields }
  health { status problems { code message component { role backendId modelName version shadow } } }
}`;

export const DEPLOYMENT_REVISION_CREATE = `
mutation ModelgateDeploymentRevisionCreate($input: DeploymentRevisionCreateInput!) {
  deploymentRevisionCreate(input: $input) {
    deployment { id name environment }
    revision { ...RevisionFields }
    unchanged
    userErrors { field code message }
  }
}
${REVISION_FIELDS}`;

export const DEPLOYMENT_PROMOTE = `
mutation ModelgateDeploymentPromote($input: DeploymentPromoteInput!) {
  deploymentPromote(input: $input) {
    deployment { id name environment }
    promotionRequest { ...PromotionRequestFields }
    replayed
    userErrors { field code message }
  }
}
${PROMOTION_REQUEST_FIELDS}`;

export const DEPLOYMENT_ROLLBACK = `
mutation ModelgateDeploymentRollback($input: DeploymentRollbackInput!) {
  deploymentRollback(input: $input) {
    deployment { id name environment }
    promotionRequest { ...PromotionRequestFields }
    replayed
    userErrors { field code message }
  }
}
${PROMOTION_REQUEST_FIELDS}`;

export const PROMOTION_REQUEST = `
query ModelgatePromotionRequest($id: ID!) {
  node(id: $id) { ... on PromotionRequest { ...PromotionRequestFields } }
}
${PROMOTION_REQUEST_FIELDS}`;

export const DEPLOYMENT = `
query ModelgateDeployment($name: String!, $environment: String!) {
  deployment(name: $name, environment: $environment) {
    ...DeploymentFields
    revisions { ...RevisionFields }
    activations { revision { number } activatedAt deactivatedAt request { id kind } }
  }
}
${DEPLOYMENT_FIELDS}
${REVISION_FIELDS}`;

export const DEPLOYMENTS = `
query ModelgateDeployments($environment: String, $first: Int, $after: String) {
  deployments(environment: $environment, first: $first, after: $after) {
    nodes { ...DeploymentFields }
    pageInfo { hasNextPage endCursor }
  }
}
${DEPLOYMENT_FIELDS}
${REVISION_FIELDS}`;

const APPROVAL_FIELDS = `requestedBy approvedBy approvedAt request { id kind }`;

export const WHAT_RUNS_IN_PRODUCTION = `
query ModelgateWhatRunsInProduction($environment: String!, $asOf: DateTime) {
  whatRunsInProduction(environment: $environment, asOf: $asOf) {
    environment asOf
    deployments {
      activatedAt
      deployment { name }
      revision { number contentHash components { ${COMPONENT_FIELDS} } }
      approval { ${APPROVAL_FIELDS} }
    }
    versions {
      backendId modelName version standalone since
      usedBy { deployment role weight shadow }
      approval { ${APPROVAL_FIELDS} }
    }
    failedBackends { backendId code message }
  }
}`;
