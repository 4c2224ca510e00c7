/**
 * Provenance through the API (docs/provenance.md): ModelVersion.identity / duplicates / changes /
 * card / signature, Query.lineage and Query.impact, and the modelCardUpdate mutation. One
 * ProvenanceSession per request shares the fleet index, prompt and tool reads and identities.
 */
import { GraphQLError } from "graphql";
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { z } from "zod";
import type { ModelVersion } from "../../core/index.js";
import { checkInput, nameInput } from "../../core/input-check.js";
import { renderCardMarkdown } from "../../workflow/provenance/card-markdown.js";
import type { Impact, ImpactedDeployment } from "../../workflow/provenance/impact.js";
import type { LineageGraph } from "../../workflow/provenance/lineage-graph.js";
import { MAX_DEPTH } from "../../workflow/provenance/lineage-graph.js";
import type { ProvenanceSession } from "../../workflow/provenance/service.js";
import type { SignatureStatus } from "../../workflow/provenance/signing/version-signatures.js";
import { requireRole } from "../authz.js";
import type { GatewayContext } from "../context.js";
import { withUserErrors } from "../errors.js";
import { ModelVersionType } from "../types/model-version.js";
import {
  ImpactType,
  LineageDirectionEnum,
  LineageGraphType,
  ModelCardType,
  ModelCardUpdateInput,
  ModelCardUpdatePayload,
  ModelSignatureType,
  VersionChangesType,
  VersionIdentityType,
  type ImpactedDeploymentType,
} from "../types/provenance.js";

const sessions = new WeakMap<GatewayContext, ProvenanceSession>();
function session(ctx: GatewayContext): ProvenanceSession {
  let s = sessions.get(ctx);
  if (s === undefined) {
    s = ctx.services.provenance.session();
    sessions.set(ctx, s);
  }
  return s;
}

const failures = (f: { backendId: string; code: string; message: string }[]) => f.map((x) => ({ backendId: x.backendId, code: x.code, message: x.message }));

export function graphOut(g: LineageGraph): LineageGraphType {
  return {
    root: g.root,
    nodes: g.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      label: n.label,
      dangling: n.dangling,
      depth: n.depth,
      hasMore: n.hasMore,
      ...(n.problem === undefined ? {} : { problem: n.problem }),
      ...(n.version === undefined ? {} : { modelVersion: n.version }),
      ...(n.value === undefined ? {} : { value: n.value }),
      ...(n.backendId === undefined ? {} : { backendId: n.backendId }),
      ...(n.deployment === undefined
        ? {}
        : { deployment: { name: n.deployment.record.name, environment: n.deployment.record.environment, revision: n.deployment.revision?.number ?? null, running: n.deployment.running } }),
    })),
    edges: g.edges.map((e) => ({ ...e })),
    partial: g.partial,
    limits: g.limits,
    failedBackends: failures(g.failedBackends),
  };
}

const deploymentOut = (d: ImpactedDeployment): ImpactedDeploymentType => ({
  name: d.deployment.name,
  environment: d.deployment.environment,
  revision: d.revision.number,
  running: d.running,
  versions: d.versions,
});

function impactOut(i: Impact): ImpactType {
  const version = (v: Impact["versions"][number]) => ({ modelVersion: v.version, depth: v.depth, path: v.path });
  return {
    root: i.root,
    versions: i.versions.map(version),
    deployments: i.deployments.map(deploymentOut),
    environments: i.environments.map((e) => ({ environment: e.environment, stage: e.stage, deployments: e.deployments.map(deploymentOut), versions: e.versions.map(version) })),
    partial: i.partial,
    limits: i.limits,
    failedBackends: failures(i.failedBackends),
  };
}

export function signatureOut(s: SignatureStatus): ModelSignatureType {
  return {
    verified: s.verified,
    verifiedAt: s.verifiedAt,
    ...(s.signer === undefined ? {} : { signer: { kind: s.signer.kind, id: s.signer.id, description: s.signer.description } }),
    ...(s.subjectDigest === undefined ? {} : { digest: `sha256:${s.subjectDigest}` }),
    ...(s.bundleDigest === undefined ? {} : { bundleDigest: `sha256:${s.bundleDigest}` }),
    ...(s.predicateType === undefined ? {} : { predicateType: s.predicateType }),
    ...(s.fileCount === undefined ? {} : { fileCount: s.fileCount }),
    ...(s.artifactUri === undefined ? {} : { artifactUri: s.artifactUri }),
    ...(s.signatureUri === undefined ? {} : { signatureUri: s.signatureUri }),
    ...(s.failure === undefined ? {} : { failure: { code: s.failure.code, message: s.failure.message, files: s.failure.files } }),
  };
}

@Resolver(() => ModelVersionType)
export class ModelVersionProvenanceResolver {
  @FieldResolver(() => VersionIdentityType, { description: "SHA-256 over the RFC 8785 JSON of what determines the model; says which inputs were missing." })
  async identity(@Root() root: ModelVersion, @Ctx() ctx: GatewayContext): Promise<VersionIdentityType> {
    const id = await ctx.services.provenance.identity(root, ctx.call, session(ctx));
    return { digest: id.identity, complete: id.complete, missing: id.missing, problems: id.problems, inputs: id.inputs };
  }

  @FieldResolver(() => [ModelVersionType], { description: "Other versions of this model with the same complete identity: the same model registered twice. Lists every version of the model." })
  async duplicates(@Root() root: ModelVersion, @Ctx() ctx: GatewayContext): Promise<ModelVersion[]> {
    return ctx.services.provenance.duplicates(root, ctx.call, session(ctx));
  }

  @FieldResolver(() => VersionChangesType, { nullable: true, description: "What changed since `from` (default: the version before this one); null when there is none before." })
  async changes(@Root() root: ModelVersion, @Ctx() ctx: GatewayContext, @Arg("from", () => String, { nullable: true }) from?: string | null): Promise<VersionChangesType | null> {
    return ctx.services.provenance.changes(root, from ?? undefined, ctx.call, session(ctx));
  }

  @FieldResolver(() => ModelCardType, { description: "The model card, generated from the registry plus the human-written sections (modelCardUpdate)." })
  async card(@Root() root: ModelVersion, @Ctx() ctx: GatewayContext): Promise<ModelCardType> {
    const card = await ctx.services.provenance.card(root, ctx.call, session(ctx));
    return { data: card.data, markdown: renderCardMarkdown(card), sections: card.sections, missing: card.missing };
  }

  @FieldResolver(() => ModelSignatureType, { description: "The OpenSSF model signature over the artifact, verified against `signing` in modelgate.yaml (reused for signing.cacheSeconds while the files are unchanged)." })
  async signature(@Root() root: ModelVersion, @Ctx() ctx: GatewayContext): Promise<ModelSignatureType> {
    return signatureOut(await ctx.services.provenance.signature(root, ctx.call));
  }
}

const depthArg = (depth: number) => {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) throw new GraphQLError(`depth: must be 1 to ${MAX_DEPTH}, got ${depth}`, { extensions: { code: "BAD_USER_INPUT" } });
  return depth;
};

@Resolver()
export class ProvenanceQueries {
  @Query(() => LineageGraphType, {
    description:
      'The lineage graph around a node, across backends. `id` is a version ("backend/name@version", or any lineage reference: "models:/name/3", a SageMaker model package ARN), or a node id ("dataset:sha256:…", "commit:<sha>", "run:<backend>/<id>", "deployment:<environment>/<name>"). At most depth 10 and 1,000 nodes.',
  })
  async lineage(
    @Ctx() ctx: GatewayContext,
    @Arg("id", () => String) id: string,
    @Arg("direction", () => LineageDirectionEnum, { defaultValue: "BOTH" }) direction: keyof typeof LineageDirectionEnum,
    @Arg("depth", () => Int, { defaultValue: 3 }) depth: number,
  ): Promise<LineageGraphType> {
    return graphOut(await ctx.services.provenance.lineage(id, direction, depthArg(depth), ctx.call, session(ctx)));
  }

  @Query(() => ImpactType, {
    description:
      'Everything derived from a dataset (its hash, e.g. "sha256:…") or a version ("backend/name@version"), transitively, and every deployment running one, per environment: the recall question. Give exactly one.',
  })
  async impact(
    @Ctx() ctx: GatewayContext,
    @Arg("dataset", () => String, { nullable: true }) dataset?: string | null,
    @Arg("version", () => String, { nullable: true }) version?: string | null,
  ): Promise<ImpactType> {
    if ((dataset == null) === (version == null)) throw new GraphQLError("give exactly one of dataset and version", { extensions: { code: "BAD_USER_INPUT" } });
    return impactOut(await ctx.services.provenance.impact(dataset != null ? { dataset } : { version: version! }, ctx.call, session(ctx)));
  }
}

const section = z.string().max(20_000, "must be at most 20000 characters").optional().nullable();
const cardSchema = z.object({
  backend: nameInput,
  model: nameInput,
  version: nameInput.optional().nullable(),
  reason: z.string().max(2000, "must be at most 2000 characters").optional().nullable(),
  sections: z.object({
    modelDetails: section,
    intendedUse: section,
    factors: section,
    metrics: section,
    evaluationData: section,
    trainingData: section,
    ethicalConsiderations: section,
    caveats: section,
    license: z.string().max(64).optional().nullable(),
  }),
});

@Resolver()
export class ProvenanceMutations {
  @Mutation(() => ModelCardUpdatePayload, {
    description: "Writes the human-written sections of a model's or a version's card. Audited (model_card.update); mirrored to the backend where it has a place for them.",
  })
  async modelCardUpdate(@Arg("input", () => ModelCardUpdateInput) input: ModelCardUpdateInput, @Ctx() ctx: GatewayContext): Promise<ModelCardUpdatePayload> {
    return withUserErrors<ModelCardUpdatePayload>(
      async () => {
        requireRole(ctx, "publisher", "edit model cards");
        checkInput(cardSchema, input);
        const sections = Object.fromEntries(Object.entries({ ...input.sections }).filter(([, v]) => v !== null && v !== undefined)) as Record<string, string>;
        const r = await ctx.services.provenance.updateCard(
          {
            backend: input.backend,
            model: input.model,
            ...(input.version == null ? {} : { version: input.version }),
            sections,
            ...(input.reason == null ? {} : { reason: input.reason }),
          },
          ctx.call,
        );
        return { sections: r.sections, changed: r.changed, mirror: r.mirror };
      },
      { sections: null, changed: null, mirror: null },
      { modelName: "model" },
    );
  }
}
