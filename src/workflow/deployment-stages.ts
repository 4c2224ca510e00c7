/**
 * Which stages an environment accepts for a deployment's components, and the check of a bundle's
 * components against their backends: used when a revision enters an environment (request and
 * apply) and for a deployment's health (degraded components).
 *
 * An environment configured with stage S takes non-shadow components in S or a later serving stage
 * (a staging deployment may use what already runs in production), never SHADOW (it does not serve)
 * nor ARCHIVED. Shadow components may also be in SHADOW. So production takes PRODUCTION components,
 * plus SHADOW ones flagged shadow; staging takes STAGING and PRODUCTION, plus SHADOW for shadows.
 */
import { describeError, isRegistryError, type CallContext, type Stage } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { DeploymentComponent } from "../store/deployment-store.js";

const ORDER: Readonly<Record<Stage, number>> = { NONE: 0, STAGING: 1, SHADOW: 2, PRODUCTION: 3, ARCHIVED: -1 };

export function acceptedStages(environmentStage: Stage, shadow: boolean): Stage[] {
  const floor = ORDER[environmentStage];
  const serving = (["NONE", "STAGING", "PRODUCTION"] as const).filter((s) => ORDER[s] >= Math.max(floor, 0));
  return shadow ? [...serving, "SHADOW"] : [...serving];
}

export type ComponentProblemCode = "GONE" | "STAGE_NOT_ACCEPTED" | "UNREACHABLE";

export interface ComponentProblem {
  /** Index in the revision's (sorted) components. */
  index: number;
  component: DeploymentComponent;
  code: ComponentProblemCode;
  /** The stage the backend reports (STAGE_NOT_ACCEPTED). */
  stage?: Stage;
  message: string;
}

export function describeComponent(c: DeploymentComponent): string {
  return `${c.role}${c.shadow ? " (shadow)" : ""} ${c.backendId}/${c.modelName}@${c.version}`;
}

/**
 * Reads every component from its backend (in parallel) and reports those that are gone, in a
 * stage `environmentStage` does not accept, or could not be read (the backend's error).
 */
export async function checkComponents(
  catalog: Catalog,
  components: readonly DeploymentComponent[],
  environmentStage: Stage,
  ctx: CallContext,
): Promise<ComponentProblem[]> {
  const results = await Promise.allSettled(
    components.map((c) => {
      if (!catalog.has(c.backendId)) return Promise.reject(new Error(`backend "${c.backendId}" is no longer configured`));
      return catalog.backend(c.backendId).getVersion(c.modelName, c.version, ctx);
    }),
  );
  const problems: ComponentProblem[] = [];
  results.forEach((r, index) => {
    const component = components[index]!;
    const name = describeComponent(component);
    if (r.status === "rejected") {
      const err: unknown = r.reason;
      if (isRegistryError(err) && err.code === "NOT_FOUND") {
        problems.push({ index, component, code: "GONE", message: `${name} no longer exists in its backend` });
      } else {
        const why = describeError(err);
        problems.push({ index, component, code: "UNREACHABLE", message: `${name} could not be read: ${why}` });
      }
      return;
    }
    const accepted = acceptedStages(environmentStage, component.shadow);
    if (!accepted.includes(r.value.stage)) {
      problems.push({
        index,
        component,
        code: "STAGE_NOT_ACCEPTED",
        stage: r.value.stage,
        message: `${name} is ${r.value.stage}; a ${component.shadow ? "shadow" : "serving"} component needs ${accepted.join(" or ")}`,
      });
    }
  });
  return problems;
}
