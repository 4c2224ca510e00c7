/** Names and result types of drift checks (./drift.ts) and drift passes (./drift-pass.ts). */
import type { Stage } from "../core/index.js";
import type { DriftKind } from "../store/workflow-store.js";

export type { DriftKind };

export const DRIFT_ACTOR = "modelgate:drift";
/** Audit action of a drift recorded for the first time: a tracked version is not where the trail put it. */
export const OUT_OF_BAND_CHANGE = "OUT_OF_BAND_CHANGE";
/** Audit action of a drift recorded for the first time: a version is in a governed stage the trail never approved it into. */
export const UNAPPROVED_IN_STAGE = "UNAPPROVED_IN_STAGE";
/** Audit action of a drift that ended (the backend is back in line, or the trail moved on). */
export const DRIFT_RESOLVED = "DRIFT_RESOLVED";

export interface DriftEntry {
  kind: DriftKind;
  backendId: string;
  model: string;
  version: string;
  /** The stage the trail says the version is in (UNAPPROVED_IN_STAGE: where it last put it, NONE when it never staged it). */
  expectedStage: Stage;
  /** The stage the backend reports; null when the version no longer exists there. */
  actualStage: Stage | null;
  /** When the drift was first seen. */
  detectedAt: Date;
}

export interface ModelDriftResult {
  backendId: string;
  model: string;
  /** The model's drifts after the check (open observations). */
  drifts: DriftEntry[];
  /** Drifts this check saw for the first time (each recorded with one audit event of its kind). */
  detected: DriftEntry[];
  /** Drifts this check found resolved. */
  resolved: DriftEntry[];
  /** Versions compared with the trail: those it tracks and those found in a governed stage. */
  checkedVersions: number;
  /** Why the model was not compared this time (its drifts are the last known ones), or null. */
  skipped: string | null;
}

export interface ModelRef {
  backendId: string;
  model: string;
}

export interface DriftCheckFailure extends ModelRef {
  error: string;
}
