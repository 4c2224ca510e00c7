/**
 * Rollback of a deployment: pick the revision to go back to (default: the one that ran before the
 * current one), see exactly which components change, then confirm. Needs the approver role.
 */
import { Field } from "../components/field";
import { useState } from "react";
import { can } from "../auth/permissions";
import { useViewer } from "../auth/viewer";
import { ActionButton } from "../components/action-button";
import { Dialog } from "../components/dialog";
import { UserErrors, type UserErrorLike } from "../components/status";
import { execute } from "../graphql/client";
import { DeploymentRollbackDocument, type DeploymentDetailQuery } from "../graphql/generated";
import { diffComponents, hasChanges } from "../lib/revision-diff";
import { RevisionDiffView } from "./revision-diff-view";

type Deployment = NonNullable<DeploymentDetailQuery["deployment"]>;

/** The revision that ran before the current one, from the activation history (newest first). */
export function previousRevision(d: Deployment): number | undefined {
  const current = d.currentRevision?.number;
  return d.activations.find((a) => a.revision.number !== current)?.revision.number;
}

export function RollbackPanel({ deployment: d, onDone }: { deployment: Deployment; onDone: () => void }) {
  const viewer = useViewer();
  const current = d.revisions.find((r) => r.number === d.currentRevision?.number);
  const candidates = d.revisions.filter((r) => r.number !== current?.number);
  const [target, setTarget] = useState<number | undefined>(previousRevision(d) ?? candidates[0]?.number);
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<readonly UserErrorLike[]>([]);
  const [requested, setRequested] = useState<string | undefined>(undefined);
  const permission = can(viewer, "APPROVER", "rolling back");

  if (current === undefined) return <p className="muted">Nothing runs in {d.environment}: there is nothing to roll back.</p>;
  if (candidates.length === 0) return <p className="muted">Revision {current.number} is the only revision: there is nothing to roll back to.</p>;
  const to = d.revisions.find((r) => r.number === target);
  const changes = to === undefined ? [] : diffComponents(current.components, to.components);

  const confirm = async () => {
    if (to === undefined) return;
    setBusy(true);
    setErrors([]);
    try {
      const { data } = await execute(DeploymentRollbackDocument, { input: { name: d.name, environment: d.environment, revision: to.number, reason: reason.trim() } });
      setErrors(data.deploymentRollback.userErrors);
      if (data.deploymentRollback.userErrors.length === 0) {
        setRequested(`Rollback to revision ${to.number} requested (${data.deploymentRollback.promotionRequest?.status.toLowerCase() ?? "recorded"}); it runs as soon as it is applied.`);
        setConfirming(false);
        onDone();
      }
    } catch (err) {
      setErrors([{ code: "FAILED", message: err instanceof Error ? err.message : String(err) }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="rollback">
      <div className="inline-form">
        <Field label="Roll back to">
          {(id) => (
            <select id={id} value={target ?? ""} onChange={(e) => setTarget(Number(e.target.value))}>
              {candidates.map((r) => (
                <option key={r.number} value={r.number}>
                  revision {r.number} ({r.status.toLowerCase()}) — {r.reason}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Reason">
          {(id) => (
            <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="what went wrong" size={40} />
          )}
        </Field>
      </div>
      {to !== undefined && (
        <RevisionDiffView
          changes={changes}
          showSame={false}
          caption={`What changes in ${d.environment} if revision ${to.number} replaces revision ${current.number}`}
        />
      )}
      {to !== undefined && !hasChanges(changes) && <p className="muted">Revision {to.number} has the same components: only the revision number changes.</p>}
      <ActionButton permission={permission} busy={busy || reason.trim() === "" || to === undefined} className="button button-danger" onClick={() => setConfirming(true)}>
        Roll back to revision {to?.number ?? "…"}…
      </ActionButton>
      <UserErrors errors={errors} />
      {requested !== undefined && (
        <p className="notice" role="status">
          {requested}
        </p>
      )}
      <Dialog title={`Roll back ${d.name} in ${d.environment}?`} open={confirming} onClose={() => setConfirming(false)}>
        {to !== undefined && (
          <>
            <p>
              Revision {to.number} replaces revision {current.number} at once, without gates. Reason: <q>{reason.trim()}</q>
            </p>
            <RevisionDiffView changes={changes} showSame={false} caption="Exactly what changes" />
            <div className="buttons">
              <button type="button" className="button button-danger" disabled={busy} onClick={() => void confirm()}>
                Confirm rollback
              </button>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
            <UserErrors errors={errors} />
          </>
        )}
      </Dialog>
    </div>
  );
}
