/**
 * Provenance types (docs/provenance.md): a version's identity, the changes between two versions,
 * the lineage graph, impact, model cards and signatures.
 */
import { Field, Float, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { BackendFailure, UserError } from "./common.js";
import { StageEnum } from "./enums.js";
import { ModelVersionType } from "./model-version.js";
import { DateTime, JSON, JSONObject } from "./scalars.js";

export const IdentityInputEnum = {
  codeCommit: "codeCommit",
  datasetHash: "datasetHash",
  params: "params",
  seed: "seed",
  model: "model",
  prompt: "prompt",
  tools: "tools",
} as const;
registerEnumType(IdentityInputEnum, { name: "IdentityInput", description: "An input of a version's identity." });

export const ChangeKindEnum = { ADDED: "ADDED", REMOVED: "REMOVED", CHANGED: "CHANGED", UNCHANGED: "UNCHANGED" } as const;
registerEnumType(ChangeKindEnum, { name: "ChangeKind" });

export const LineageDirectionEnum = { UPSTREAM: "UPSTREAM", DOWNSTREAM: "DOWNSTREAM", BOTH: "BOTH" } as const;
registerEnumType(LineageDirectionEnum, {
  name: "LineageDirection",
  description: "UPSTREAM: what went into the node (datasets, commits, runs, parent and teacher versions); DOWNSTREAM: what came out of it (derived versions, deployments).",
});

export const LineageNodeKindEnum = { VERSION: "VERSION", RUN: "RUN", COMMIT: "COMMIT", DATASET: "DATASET", DEPLOYMENT: "DEPLOYMENT" } as const;
registerEnumType(LineageNodeKindEnum, { name: "LineageNodeKind" });

export const LineageEdgeKindEnum = {
  TRAINED_ON: "TRAINED_ON",
  BUILT_FROM_COMMIT: "BUILT_FROM_COMMIT",
  PRODUCED_BY: "PRODUCED_BY",
  FINE_TUNED_FROM: "FINE_TUNED_FROM",
  DISTILLED_FROM: "DISTILLED_FROM",
  BUNDLED_IN: "BUNDLED_IN",
  COPIED_FROM: "COPIED_FROM",
} as const;
registerEnumType(LineageEdgeKindEnum, {
  name: "LineageEdgeKind",
  description:
    "TRAINED_ON (dataset → version), BUILT_FROM_COMMIT (commit → version), PRODUCED_BY (run → version), FINE_TUNED_FROM (parent or base → version), DISTILLED_FROM (teacher → student), BUNDLED_IN (version → deployment), COPIED_FROM (source version → its cross-registry copy).",
});

export const SignatureFailureCodeEnum = {
  NO_ARTIFACT: "NO_ARTIFACT",
  NO_SIGNATURE: "NO_SIGNATURE",
  ARTIFACT_UNREADABLE: "ARTIFACT_UNREADABLE",
  MALFORMED: "MALFORMED",
  UNSUPPORTED: "UNSUPPORTED",
  SIGNER_NOT_TRUSTED: "SIGNER_NOT_TRUSTED",
  SIGNATURE_INVALID: "SIGNATURE_INVALID",
  MANIFEST_INCONSISTENT: "MANIFEST_INCONSISTENT",
  FILE_MISMATCH: "FILE_MISMATCH",
  FILE_MISSING: "FILE_MISSING",
  UNSIGNED_FILE: "UNSIGNED_FILE",
} as const;
registerEnumType(SignatureFailureCodeEnum, { name: "SignatureFailureCode" });

export const SignerKindEnum = { KEY: "KEY", CERTIFICATE: "CERTIFICATE" } as const;
registerEnumType(SignerKindEnum, { name: "SignerKind", description: "KEY: a configured public key; CERTIFICATE: a certificate identity (signing.identities) chaining to the trusted root." });

export const CardMirrorStatusEnum = { MIRRORED: "MIRRORED", UNSUPPORTED: "UNSUPPORTED", FAILED: "FAILED" } as const;
registerEnumType(CardMirrorStatusEnum, {
  name: "CardMirrorStatus",
  description: "MIRRORED: the backend holds the text too; UNSUPPORTED: it has no place for it (the gateway's store keeps it); FAILED: the card is saved, the backend did not take it.",
});

@ObjectType({ description: "SHA-256 over the RFC 8785 JSON of what determines the model (docs/provenance.md#identity)." })
export class VersionIdentityType {
  @Field(() => String, { description: '"sha256:<hex>".' })
  digest!: string;

  @Field(() => Boolean, { description: "Every input was present; only complete identities flag duplicates." })
  complete!: boolean;

  @Field(() => [IdentityInputEnum], { description: "Inputs that were missing (the digest is computed without them)." })
  missing!: string[];

  @Field(() => [String], { description: "Why a referenced prompt or tool set could not be read." })
  problems!: string[];

  @Field(() => JSONObject, { description: "What was hashed." })
  inputs!: Record<string, unknown>;
}

@ObjectType()
export class ValueChangeType {
  @Field(() => String)
  key!: string;

  @Field(() => ChangeKindEnum)
  change!: string;

  @Field(() => JSON, { nullable: true })
  before!: unknown;

  @Field(() => JSON, { nullable: true })
  after!: unknown;
}

@ObjectType()
export class MetricChangeType {
  @Field(() => String)
  key!: string;

  @Field(() => ChangeKindEnum)
  change!: string;

  @Field(() => Float, { nullable: true })
  before!: number | null;

  @Field(() => Float, { nullable: true })
  after!: number | null;

  @Field(() => Float, { nullable: true, description: "after - before, when both exist." })
  delta!: number | null;
}

@ObjectType()
export class PromptChangeType {
  @Field(() => String, { nullable: true })
  beforeRef!: string | null;

  @Field(() => String, { nullable: true })
  afterRef!: string | null;

  @Field(() => Boolean, { description: "The text differs (another ref with the same text is no change of text)." })
  changed!: boolean;

  @Field(() => String, { description: "The line diff in unified form (empty when the text is the same)." })
  unified!: string;
}

@ObjectType({ description: "What changed from one version of a model to another." })
export class VersionChangesType {
  @Field(() => ModelVersionType)
  from!: unknown;

  @Field(() => ModelVersionType)
  to!: unknown;

  @Field(() => [ValueChangeType], { description: "description, artifactUri, stage." })
  fields!: ValueChangeType[];

  @Field(() => [ValueChangeType])
  params!: ValueChangeType[];

  @Field(() => [MetricChangeType], { description: "Every metric of either version, with deltas (UNCHANGED ones too)." })
  metrics!: MetricChangeType[];

  @Field(() => [ValueChangeType], { description: "Generation config fields (params as params.<name>)." })
  generationConfig!: ValueChangeType[];

  @Field(() => PromptChangeType, { nullable: true, description: "Null when neither version has a prompt." })
  prompt!: PromptChangeType | null;

  @Field(() => [ValueChangeType], { description: "Tools by name." })
  tools!: ValueChangeType[];

  @Field(() => [ValueChangeType])
  lineage!: ValueChangeType[];

  @Field(() => [ValueChangeType])
  tags!: ValueChangeType[];

  @Field(() => [String], { description: "A prompt or tool set could not be read: that part of the comparison is incomplete." })
  problems!: string[];
}

@ObjectType()
export class LineageDeploymentType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => Int, { nullable: true, description: "The revision the node stands for (the running one, else the newest)." })
  revision!: number | null;

  @Field(() => Boolean, { description: "That revision runs in the environment now." })
  running!: boolean;
}

@ObjectType()
export class LineageNodeType {
  @Field(() => String, { description: 'Stable within the graph: "version:backend/name@v", "ref:<text>", "dataset:<hash>", "commit:<sha>", "run:<backend>/<id>", "deployment:<environment>/<name>". Pass it back as lineage(id:).' })
  id!: string;

  @Field(() => LineageNodeKindEnum)
  kind!: string;

  @Field(() => String)
  label!: string;

  @Field(() => Boolean, { description: "A reference that resolves nowhere (an outside model id, a version no backend has); `problem` says why." })
  dangling!: boolean;

  @Field(() => String, { nullable: true })
  problem?: string;

  @Field(() => ModelVersionType, { nullable: true, description: "The version, for a resolved VERSION node." })
  modelVersion?: unknown;

  @Field(() => LineageDeploymentType, { nullable: true })
  deployment?: LineageDeploymentType;

  @Field(() => String, { nullable: true, description: "Dataset hash, commit, run id or reference text." })
  value?: string;

  @Field(() => String, { nullable: true })
  backendId?: string;

  @Field(() => Int, { description: "Edges from the start node (0 for it)." })
  depth!: number;

  @Field(() => Boolean, { description: "It has edges the walk did not follow (cut off by the depth or node limit)." })
  hasMore!: boolean;
}

@ObjectType({ description: "An edge points downstream, from what went in to what came out." })
export class LineageEdgeType {
  @Field(() => String)
  from!: string;

  @Field(() => String)
  to!: string;

  @Field(() => LineageEdgeKindEnum)
  kind!: string;

  @Field(() => String, { nullable: true })
  detail?: string;
}

@ObjectType({ description: "The lineage graph around one node. At most 10 levels and 1,000 nodes: `partial` and `limits` say when it was cut short." })
export class LineageGraphType {
  @Field(() => String)
  root!: string;

  @Field(() => [LineageNodeType])
  nodes!: LineageNodeType[];

  @Field(() => [LineageEdgeType])
  edges!: LineageEdgeType[];

  @Field(() => Boolean)
  partial!: boolean;

  @Field(() => [String])
  limits!: string[];

  @Field(() => [BackendFailure])
  failedBackends!: BackendFailure[];
}

@ObjectType()
export class ImpactedVersionType {
  @Field(() => ModelVersionType)
  modelVersion!: unknown;

  @Field(() => Int)
  depth!: number;

  @Field(() => [LineageEdgeKindEnum], { description: "Edge kinds from the start to it, in order." })
  path!: string[];
}

@ObjectType()
export class ImpactedDeploymentType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => Int)
  revision!: number;

  @Field(() => Boolean)
  running!: boolean;

  @Field(() => [String], { description: "The impacted versions it bundles (backend/name@version)." })
  versions!: string[];
}

@ObjectType()
export class EnvironmentImpactType {
  @Field(() => String)
  environment!: string;

  @Field(() => StageEnum)
  stage!: string;

  @Field(() => [ImpactedDeploymentType], { description: "Running deployments there that bundle an impacted version." })
  deployments!: ImpactedDeploymentType[];

  @Field(() => [ImpactedVersionType], { description: "Impacted versions in the environment's stage (what applications resolving by environment get)." })
  versions!: ImpactedVersionType[];
}

@ObjectType({ description: "Everything derived from a dataset or a version, and where it runs." })
export class ImpactType {
  @Field(() => String)
  root!: string;

  @Field(() => [ImpactedVersionType])
  versions!: ImpactedVersionType[];

  @Field(() => [ImpactedDeploymentType])
  deployments!: ImpactedDeploymentType[];

  @Field(() => [EnvironmentImpactType])
  environments!: EnvironmentImpactType[];

  @Field(() => Boolean)
  partial!: boolean;

  @Field(() => [String])
  limits!: string[];

  @Field(() => [BackendFailure])
  failedBackends!: BackendFailure[];
}

@ObjectType({ description: "A model card (Mitchell et al.), generated from the registry plus the human-written sections." })
export class ModelCardType {
  @Field(() => JSONObject, { description: "Hugging Face ModelCardData: base_model, datasets, license, tags, model-index; the registry's facts under `modelgate`." })
  data!: Record<string, unknown>;

  @Field(() => String, { description: "Hugging Face README.md: the data as YAML front matter, then the sections." })
  markdown!: string;

  @Field(() => JSONObject, { description: "The human-written sections in effect (the version's own over the model's)." })
  sections!: Record<string, unknown>;

  @Field(() => [String], { description: "What the card lacks: sections nobody wrote, facts the registry does not have." })
  missing!: string[];
}

@ObjectType()
export class SignerType {
  @Field(() => SignerKindEnum)
  kind!: string;

  @Field(() => String, { description: "The id of the signing key or identity in modelgate.yaml." })
  id!: string;

  @Field(() => String)
  description!: string;
}

@ObjectType()
export class SignatureFailureType {
  @Field(() => SignatureFailureCodeEnum)
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => [String], { description: "The files at fault (changed, missing or unsigned)." })
  files!: string[];
}

@ObjectType({ description: "The OpenSSF model signature over the version's artifact, verified with every file hashed again." })
export class ModelSignatureType {
  @Field(() => Boolean)
  verified!: boolean;

  @Field(() => SignerType, { nullable: true })
  signer?: SignerType;

  @Field(() => String, { nullable: true, description: 'The statement subject digest ("sha256:<hex>", over the per-file digests).' })
  digest?: string;

  @Field(() => String, { nullable: true, description: 'SHA-256 of the signature file ("sha256:<hex>").' })
  bundleDigest?: string;

  @Field(() => String, { nullable: true })
  predicateType?: string;

  @Field(() => Int, { nullable: true, description: "Files whose digests were recomputed and matched." })
  fileCount?: number;

  @Field(() => String, { nullable: true })
  artifactUri?: string;

  @Field(() => String, { nullable: true })
  signatureUri?: string;

  @Field(() => DateTime)
  verifiedAt!: Date;

  @Field(() => SignatureFailureType, { nullable: true })
  failure?: SignatureFailureType;
}

@InputType({ description: 'Human-written card sections; "" clears one, a section left out keeps its text.' })
export class ModelCardSectionsInput {
  @Field(() => String, { nullable: true })
  modelDetails?: string;

  @Field(() => String, { nullable: true })
  intendedUse?: string;

  @Field(() => String, { nullable: true })
  factors?: string;

  @Field(() => String, { nullable: true })
  metrics?: string;

  @Field(() => String, { nullable: true })
  evaluationData?: string;

  @Field(() => String, { nullable: true })
  trainingData?: string;

  @Field(() => String, { nullable: true })
  ethicalConsiderations?: string;

  @Field(() => String, { nullable: true })
  caveats?: string;

  @Field(() => String, { nullable: true, description: 'An SPDX license id (e.g. apache-2.0) or "other".' })
  license?: string;
}

@InputType()
export class ModelCardUpdateInput {
  @Field(() => String)
  backend!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String, { nullable: true, description: "Omitted: the model's sections (shown on every version that does not override them)." })
  version?: string;

  @Field(() => ModelCardSectionsInput)
  sections!: ModelCardSectionsInput;

  @Field(() => String, { nullable: true })
  reason?: string;
}

@ObjectType()
export class CardMirrorType {
  @Field(() => String)
  backendId!: string;

  @Field(() => CardMirrorStatusEnum)
  status!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType()
export class ModelCardUpdatePayload {
  @Field(() => JSONObject, { nullable: true, description: "The stored sections of the scope written (model or version)." })
  sections?: Record<string, unknown> | null;

  @Field(() => Boolean, { nullable: true, description: "False when the text was already so (nothing audited)." })
  changed?: boolean | null;

  @Field(() => CardMirrorType, { nullable: true })
  mirror?: CardMirrorType | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
