/**
 * Mirrors the human-written sections of a model card to SageMaker Model Cards: the model's card is
 * named after its model package group, a version's `<group>-v<version>`. The sections map onto the
 * SageMaker model card content schema (model_overview, intended_uses, additional_information);
 * the rest goes to additional_information.custom_details. No sections deletes the card.
 */
import {
  CreateModelCardCommand,
  DeleteModelCardCommand,
  DescribeModelCardCommand,
  UpdateModelCardCommand,
} from "@aws-sdk/client-sagemaker";
import { InvalidInputError, isRegistryError, type CallContext } from "../../src/core/index.js";
import type { BackendContext } from "./backend-context.js";
import { GROUP_NAME_RE } from "./names.js";

/** The SageMaker model card content for the sections (docs/provenance.md#model-cards). */
export function cardContent(sections: Readonly<Record<string, string>>): Record<string, unknown> {
  const { modelDetails, intendedUse, factors, ethicalConsiderations, caveats, ...rest } = sections;
  const custom = Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
  const intended = { ...(intendedUse === undefined ? {} : { intended_uses: intendedUse }), ...(factors === undefined ? {} : { factors_affecting_model_efficiency: factors }) };
  const additional = {
    ...(ethicalConsiderations === undefined ? {} : { ethical_considerations: ethicalConsiderations }),
    ...(caveats === undefined ? {} : { caveats_and_recommendations: caveats }),
    ...(Object.keys(custom).length === 0 ? {} : { custom_details: custom }),
  };
  return {
    ...(modelDetails === undefined ? {} : { model_overview: { model_description: modelDetails } }),
    ...(Object.keys(intended).length === 0 ? {} : { intended_uses: intended }),
    ...(Object.keys(additional).length === 0 ? {} : { additional_information: additional }),
  };
}

export function cardName(group: string, version: string | undefined): string {
  return version === undefined ? group : `${group}-v${version}`;
}

export async function setModelCard(b: BackendContext, group: string, version: string | undefined, sections: Readonly<Record<string, string>>, ctx: CallContext): Promise<void> {
  const name = cardName(group, version);
  if (!GROUP_NAME_RE.test(name)) {
    throw new InvalidInputError(`the SageMaker model card name "${name}" would be longer than 63 characters: keep the card in the gateway`, { backend: b.backend });
  }
  const subject = `model card "${name}"`;
  const exists = await b.api
    .send(ctx, { operation: "DescribeModelCard", subject }, (o) => b.api.client.send(new DescribeModelCardCommand({ ModelCardName: name }), o))
    .then(
      () => true,
      (err: unknown) => (isRegistryError(err) && err.code === "NOT_FOUND" ? false : Promise.reject(err)),
    );
  if (Object.keys(sections).length === 0) {
    if (exists) await b.api.send(ctx, { operation: "DeleteModelCard", subject }, (o) => b.api.client.send(new DeleteModelCardCommand({ ModelCardName: name }), o));
    return;
  }
  const Content = JSON.stringify(cardContent(sections));
  if (exists) {
    await b.api.send(ctx, { operation: "UpdateModelCard", subject }, (o) => b.api.client.send(new UpdateModelCardCommand({ ModelCardName: name, Content }), o));
  } else {
    await b.api.send(ctx, { operation: "CreateModelCard", subject }, (o) => b.api.client.send(new CreateModelCardCommand({ ModelCardName: name, Content, ModelCardStatus: "Draft" }), o));
  }
}
