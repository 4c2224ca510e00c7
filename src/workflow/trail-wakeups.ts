/**
 * Which audit appends can change what the promotion trail replays (./trail-reader.ts) and what a
 * resolve answer holds (./resolve-answers.ts). Both caches are dropped on an append, except one whose
 * actions only record evidence or bookkeeping that neither reads: a serving system's usage report,
 * eval, canary and shadow evidence, idle alerts, webhook targets and deliveries. Those arrive often
 * (a fleet's usage reports, every minute per deployment) and would otherwise keep every kept answer
 * cold. What they feed moves answers by an action of its own (a guarded rollout's step, a promotion's
 * apply), which drops them as before.
 *
 * An append whose actions are not known (undefined: an older replica's, one after a wake-up this
 * process missed) may have changed anything.
 */
const KEEPS_ANSWERS: ReadonlySet<string> = new Set([
  "usage.report",
  "eval.record",
  "canary.record",
  "shadow.record",
  "idle.raise",
  "idle.clear",
  "webhook_target.create",
  "webhook_target.update",
  "webhook_target.delete",
  "webhook_delivery.redeliver",
]);

/** True when a commit that appended `actions` (undefined: not known) may change trail replays or resolve answers. */
export function mayChangeAnswers(actions: ReadonlySet<string> | undefined): boolean {
  if (actions === undefined || actions.size === 0) return true;
  for (const action of actions) if (!KEEPS_ANSWERS.has(action)) return true;
  return false;
}
