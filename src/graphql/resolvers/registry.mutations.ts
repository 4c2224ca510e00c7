import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { z } from "zod";
import type { RegisterVersionInput } from "../../core/index.js";
import type { GatewayContext } from "../context.js";
import { requireRole } from "../authz.js";
import { withUserErrors } from "../errors.js";
import { checkInput, nameInput } from "../../core/input-check.js";
import { AliasRemoveInput, AliasSetInput, ModelVersionRegisterInput } from "../types/inputs.js";
import { AliasRemovePayload, AliasSetPayload, ModelVersionRegisterPayload } from "../types/payloads.js";

const name = nameInput;
const alias = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '-' or '_'");
const reason = z.string().max(2000, "must be at most 2000 characters").optional().nullable();


const registerSchema = z.object({
  backend: name,
  model: name,
  artifactUri: z.string().max(2048).optional().nullable(),
  description: z.string().max(10_000).optional().nullable(),
  reason,
  metrics: z.array(z.object({ key: name, value: z.number().finite("must be a finite number") })).max(500).optional().nullable(),
  tags: z.array(z.object({ key: name, value: z.string().max(5000) })).max(200).optional().nullable(),
  generationConfig: z
    .object({ model: name, eval: z.object({ score: z.number().finite("must be a finite number") }).passthrough().optional().nullable() })
    .passthrough()
    .optional()
    .nullable(),
});

function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as never;
}

@Resolver()
export class RegistryMutations {
  @Mutation(() => ModelVersionRegisterPayload, {
    description: "Registers a new version (creating the model unless createModel is false). Audited.",
  })
  async modelVersionRegister(
    @Arg("input", () => ModelVersionRegisterInput) input: ModelVersionRegisterInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<ModelVersionRegisterPayload> {
    return withUserErrors<ModelVersionRegisterPayload>(async () => {
      requireRole(ctx, "publisher", "register versions");
      checkInput(registerSchema, input);
      const gen = input.generationConfig;
      const core: RegisterVersionInput = {
        modelName: input.model.trim(),
        createModel: input.createModel ?? true,
        ...definedOnly({ artifactUri: input.artifactUri, description: input.description }),
        ...(input.tags ? { tags: Object.fromEntries(input.tags.map((t) => [t.key, t.value])) } : {}),
        ...(input.params ? { params: input.params } : {}),
        ...(input.metrics ? { metrics: Object.fromEntries(input.metrics.map((m) => [m.key, m.value])) } : {}),
        ...(input.lineage ? { lineage: definedOnly({ ...input.lineage }) } : {}),
        ...(gen
          ? {
              generationConfig: {
                model: gen.model,
                params: gen.params ?? {},
                ...definedOnly({ promptRef: gen.promptRef, toolsRef: gen.toolsRef }),
                ...(gen.eval ? { eval: definedOnly({ ...gen.eval }) as NonNullable<RegisterVersionInput["generationConfig"]>["eval"] & object } : {}),
              },
            }
          : {}),
      };
      const modelVersion = await ctx.services.writes.registerVersion(input.backend, core, ctx.call, input.reason ?? undefined);
      return { modelVersion };
    }, { modelVersion: null }, { modelName: "model" });
  }

  @Mutation(() => AliasSetPayload, { description: "Points an alias at a version, moving it from any other. Audited." })
  async aliasSet(@Arg("input", () => AliasSetInput) input: AliasSetInput, @Ctx() ctx: GatewayContext): Promise<AliasSetPayload> {
    return withUserErrors<AliasSetPayload>(async () => {
      requireRole(ctx, "publisher", "move aliases");
      checkInput(z.object({ backend: name, model: name, alias, version: name, reason }), input);
      const { modelVersion, previousVersion } = await ctx.services.writes.setAlias(
        input.backend,
        input.model,
        input.alias,
        input.version,
        ctx.call,
        input.reason ?? undefined,
      );
      return { modelVersion, previousVersion };
    }, { modelVersion: null, previousVersion: null }, { modelName: "model" });
  }

  @Mutation(() => AliasRemovePayload, { description: "Removes an alias. Audited." })
  async aliasRemove(@Arg("input", () => AliasRemoveInput) input: AliasRemoveInput, @Ctx() ctx: GatewayContext): Promise<AliasRemovePayload> {
    return withUserErrors<AliasRemovePayload>(async () => {
      requireRole(ctx, "publisher", "remove aliases");
      checkInput(z.object({ backend: name, model: name, alias, reason }), input);
      const removedFromVersion = await ctx.services.writes.removeAlias(input.backend, input.model, input.alias, ctx.call, input.reason ?? undefined);
      const model = await ctx.services.catalog.backend(input.backend).getModel(input.model, ctx.call);
      return { model, removedFromVersion };
    }, { model: null, removedFromVersion: null }, { modelName: "model" });
  }
}
