/**
 * The gateway's lifecycle stages. SHADOW is a step of its own: a shadow version receives mirrored
 * traffic and is never reported as serving.
 */
export const STAGES = ["NONE", "STAGING", "SHADOW", "PRODUCTION", "ARCHIVED"] as const;
export type Stage = (typeof STAGES)[number];

export function isStage(value: unknown): value is Stage {
  return typeof value === "string" && (STAGES as readonly string[]).includes(value);
}

/** Stages whose versions serve live traffic. SHADOW only mirrors traffic, so it is not here. */
export function isServingStage(stage: Stage): boolean {
  return stage === "PRODUCTION";
}
