/** GraphQL documents of the provenance commands (diff, card, lineage, impact, signature). */

const VALUE_CHANGE = "key change before after";

export const DIFF = `query Diff($backend: String!, $model: String!, $version: String!, $from: String!) {
  modelVersion(backend: $backend, model: $model, version: $version) {
    changes(from: $from) {
      from { registryVersion } to { registryVersion }
      fields { ${VALUE_CHANGE} } params { ${VALUE_CHANGE} }
      metrics { key change before after delta }
      generationConfig { ${VALUE_CHANGE} }
      prompt { beforeRef afterRef changed unified }
      tools { ${VALUE_CHANGE} } lineage { ${VALUE_CHANGE} } tags { ${VALUE_CHANGE} }
      problems
    }
  }
}`;

export const CARD = `query Card($backend: String!, $model: String!, $version: String!) {
  modelVersion(backend: $backend, model: $model, version: $version) { card { data markdown sections missing } }
}`;

export const CARD_UPDATE = `mutation CardUpdate($input: ModelCardUpdateInput!) {
  modelCardUpdate(input: $input) { sections changed mirror { backendId status message } userErrors { field code message } }
}`;

export const SIGNATURE = `query Signature($backend: String!, $model: String!, $version: String!) {
  modelVersion(backend: $backend, model: $model, version: $version) {
    registryVersion
    signature { verified signer { kind id description } digest bundleDigest predicateType fileCount artifactUri signatureUri verifiedAt failure { code message files } }
    identity { digest complete missing problems }
  }
}`;

export const LINEAGE = `query Lineage($id: String!, $direction: LineageDirection!, $depth: Int!) {
  lineage(id: $id, direction: $direction, depth: $depth) {
    root partial limits failedBackends { backendId message }
    nodes { id kind label dangling problem depth hasMore deployment { name environment revision running } }
    edges { from to kind detail }
  }
}`;

export const IMPACT = `query Impact($dataset: String, $version: String) {
  impact(dataset: $dataset, version: $version) {
    root partial limits failedBackends { backendId message }
    versions { modelVersion { registryVersion stage } depth path }
    environments {
      environment stage
      deployments { name revision versions }
      versions { modelVersion { registryVersion } }
    }
  }
}`;

export interface ValueChangeJson {
  key: string;
  change: string;
  before: unknown;
  after: unknown;
}

export interface ChangesJson {
  from: { registryVersion: string };
  to: { registryVersion: string };
  fields: ValueChangeJson[];
  params: ValueChangeJson[];
  metrics: { key: string; change: string; before: number | null; after: number | null; delta: number | null }[];
  generationConfig: ValueChangeJson[];
  prompt: { beforeRef: string | null; afterRef: string | null; changed: boolean; unified: string } | null;
  tools: ValueChangeJson[];
  lineage: ValueChangeJson[];
  tags: ValueChangeJson[];
  problems: string[];
}

export interface SignatureJson {
  verified: boolean;
  signer: { kind: string; id: string; description: string } | null;
  digest: string | null;
  bundleDigest: string | null;
  predicateType: string | null;
  fileCount: number | null;
  artifactUri: string | null;
  signatureUri: string | null;
  verifiedAt: string;
  failure: { code: string; message: string; files: string[] } | null;
}

export interface GraphJson {
  root: string;
  partial: boolean;
  limits: string[];
  failedBackends: { backendId: string; message: string }[];
  nodes: { id: string; kind: string; label: string; dangling: boolean; problem: string | null; depth: number; hasMore: boolean }[];
  edges: { from: string; to: string; kind: string; detail: string | null }[];
}

export interface ImpactJson {
  root: string;
  partial: boolean;
  limits: string[];
  failedBackends: { backendId: string; message: string }[];
  versions: { modelVersion: { registryVersion: string; stage: string }; depth: number; path: string[] }[];
  environments: {
    environment: string;
    stage: string;
    deployments: { name: string; revision: number; versions: string[] }[];
    versions: { modelVersion: { registryVersion: string } }[];
  }[];
}
