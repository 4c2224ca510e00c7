/** Small labels: backend, stage, health, drift, request status. */
import type { DeploymentHealthStatus, Stage } from "../graphql/generated";

export function BackendBadge({ backend, kind }: { backend: string; kind?: string | undefined }) {
  return (
    <span className="badge badge-backend" title={kind === undefined ? `backend ${backend}` : `backend ${backend} (${kind})`}>
      {backend}
    </span>
  );
}

export function StageBadge({ stage }: { stage: Stage | string }) {
  return <span className={`badge badge-stage stage-${stage.toLowerCase()}`}>{stage.toLowerCase()}</span>;
}

export function HealthBadge({ status }: { status: DeploymentHealthStatus }) {
  return <span className={`badge health-${status.toLowerCase()}`}>{status}</span>;
}

export interface DriftLike {
  expectedStage?: string | null;
  actualStage?: string | null;
  detectedAt?: string | null;
}

/**
 * A version changed outside modelgate (or a deployment with a drifted component). Tolerant of
 * drift records with fewer or more fields than today's.
 */
export function DriftFlag({ drift }: { drift?: DriftLike }) {
  const known = drift !== undefined && (drift.expectedStage != null || drift.actualStage !== undefined);
  const detail = known ? `: ${(drift.actualStage ?? "gone").toLowerCase()}, expected ${(drift.expectedStage ?? "?").toLowerCase()}` : "";
  return (
    <span className="badge badge-drift" title={drift?.detectedAt ? `changed outside modelgate; first seen ${drift.detectedAt}` : "changed outside modelgate"}>
      drift{detail}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status.toLowerCase()}`}>{status.toLowerCase().replace(/_/g, " ")}</span>;
}
