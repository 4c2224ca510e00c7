/**
 * Versions the deprecation policy archived are frozen (docs/lifecycle.md#deprecation-policy): while
 * ARCHIVED with the tag `modelgate.archived-by=policy`, the gateway refuses to change their
 * metadata or point an alias at them. They come back through a promotion request (ARCHIVED ->
 * STAGING), which unfreezes them; nothing is ever deleted.
 */
import { ConflictError, type ModelVersion } from "../../core/index.js";

/** The tag an archive by policy writes with the stage. */
export const ARCHIVED_BY_TAG = "modelgate.archived-by";
export const ARCHIVED_BY_POLICY = "policy";

export function frozenByPolicy(v: Pick<ModelVersion, "stage" | "tags">): boolean {
  return v.stage === "ARCHIVED" && v.tags[ARCHIVED_BY_TAG] === ARCHIVED_BY_POLICY;
}

/** Throws CONFLICT naming the version when it is frozen; `doing` says what was refused. */
export function refuseFrozen(v: Pick<ModelVersion, "backendId" | "modelName" | "version" | "stage" | "tags">, doing: string, field: string): void {
  if (!frozenByPolicy(v)) return;
  throw new ConflictError(
    `${v.backendId}/${v.modelName}@${v.version} was archived by the deprecation policy and is frozen: cannot ${doing}; bring it back with a promotion request to STAGING first`,
    { field },
  );
}
