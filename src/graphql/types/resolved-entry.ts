import { Field, Int, InterfaceType, ObjectType, registerEnumType } from "type-graphql";
import { DriftFlagType } from "./drift.js";
import { ResolveSourceEnum, SelectedByEnum, StageEnum } from "./enums.js";
import { ModelVersionType, Prompt, ToolSet } from "./model-version.js";

export const ResolutionKindEnum = { MODEL: "MODEL", DEPLOYMENT: "DEPLOYMENT" } as const;
registerEnumType(ResolutionKindEnum, { name: "ResolutionKind", description: "What a name resolved to: one model version, or a deployment's bundle." });

/** Which object type a Resolution is (synchronous: see synchronousTypeResolvers in ../schema.ts). */
export function resolutionTypeOf(value: { kind?: string }): "ResolvedDeployment" | "ResolvedEntry" {
  return value.kind === "DEPLOYMENT" ? "ResolvedDeployment" : "ResolvedEntry";
}

@InterfaceType("Resolution", {
  description: "What an application in an environment should run: a model version (ResolvedEntry) or a deployment's bundle (ResolvedDeployment).",
  resolveType: resolutionTypeOf,
})
export abstract class Resolution {
  @Field(() => ResolutionKindEnum)
  kind!: keyof typeof ResolutionKindEnum;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => String, {
    description: '"backend/name@version" for a model, "name@environment#revision" for a deployment: log it with every call the application makes.',
  })
  registryVersion!: string;

  @Field(() => String, { description: "Changes exactly when what the application consumes changes (a drift flag included); also the HTTP ETag of GET /v1/resolve." })
  etag!: string;

  @Field(() => DriftFlagType, {
    nullable: true,
    description:
      "Set when the backend and the promotion trail disagree about what runs here (also the X-Modelgate-Drift header of GET /v1/resolve): a model's version judged now; a deployment's components as drift checks recorded them. null when they agree.",
  })
  drift?: unknown;
}

@ObjectType({ implements: Resolution, description: "A model version an application in an environment should run, ready to use." })
export class ResolvedEntry extends Resolution {
  @Field(() => String)
  backendId!: string;

  @Field(() => ModelVersionType)
  version!: unknown;

  @Field(() => Prompt, { nullable: true, description: "The prompt the generation config points to, inlined." })
  prompt?: Prompt;

  @Field(() => ToolSet, { nullable: true, description: "The tool schemas the generation config points to, inlined." })
  tools?: ToolSet;

  @Field(() => SelectedByEnum)
  selectedBy!: keyof typeof SelectedByEnum;

  @Field(() => ResolveSourceEnum, {
    description: "Where the version comes from: the backend, or (resolveFrom: trail) the version the promotion trail last approved into the environment. Also the X-Modelgate-Served-From header.",
  })
  servedFrom!: keyof typeof ResolveSourceEnum;

  @Field(() => String, { nullable: true, description: "The version the backend has for the environment (alias, else newest in the stage); null when none." })
  backendVersion?: string | null;

  @Field(() => String, { nullable: true, description: "The version the promotion trail last approved into the environment's stage; null when none." })
  trailVersion?: string | null;
}

@ObjectType({ description: "One component of a resolved deployment, ready to use." })
export class ResolvedComponent {
  @Field(() => String)
  role!: string;

  @Field(() => Int, { description: "Percent of the role's live traffic." })
  weight!: number;

  @Field(() => Boolean, { description: "Mirror traffic to it; never serve its answers." })
  shadow!: boolean;

  @Field(() => Boolean, { description: "Not shadow and a weight above 0." })
  serving!: boolean;

  @Field(() => String)
  backendId!: string;

  @Field(() => ModelVersionType, { description: "The version with its artifact URI or generation config." })
  version!: unknown;

  @Field(() => String, { description: '"backend/name@version" of this component.' })
  registryVersion!: string;

  @Field(() => Prompt, { nullable: true })
  prompt?: Prompt;

  @Field(() => ToolSet, { nullable: true })
  tools?: ToolSet;

  @Field(() => DriftFlagType, { nullable: true, description: "The drift a drift check recorded for this version and has not seen resolved." })
  drift?: unknown;
}

@ObjectType({ implements: Resolution, description: "The bundle a deployment runs in an environment: its current revision, every component ready to use." })
export class ResolvedDeployment extends Resolution {
  @Field(() => Int, { description: "The revision number that runs." })
  revision!: number;

  @Field(() => String, { description: "The revision's content hash (the ETag without quotes)." })
  contentHash!: string;

  @Field(() => [ResolvedComponent], { description: "Sorted by role, backend, model, version." })
  components!: ResolvedComponent[];
}

@ObjectType()
export class Environment {
  @Field(() => String)
  name!: string;

  @Field(() => StageEnum, { description: "The stage whose version this environment runs." })
  stage!: keyof typeof StageEnum;

  @Field(() => ResolveSourceEnum, { description: "What resolve serves when the backend and the promotion trail disagree (resolveFrom in modelgate.yaml)." })
  resolveFrom!: keyof typeof ResolveSourceEnum;
}
