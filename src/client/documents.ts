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
