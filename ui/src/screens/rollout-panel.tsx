/**
 * A deployment's guarded rollout (docs/lifecycle.md#guarded-rollouts): its state, the plan's steps
 * with the current one marked, the weights served now, the current step's canary evidence against
 * the plan's thresholds with the leader's verdict, and Pause (publisher), Resume and Abort
 * (approver), each with a reason for the audit trail.
 */
import { useState } from "react";
import { can } from "../auth/permissions";
import { useViewer } from "../auth/viewer";
import { ActionButton } from "../components/action-button";
import { StatusBadge } from "../components/badges";
import { Dialog } from "../components/dialog";
import { Field } from "../components/field";
import { UserErrors, type UserErrorLike } from "../components/status";
import { Time } from "../components/time";
import { WeightsBar } from "../components/weights-bar";
import { execute } from "../graphql/client";
import { DeploymentRolloutAbortDocument, DeploymentRolloutPauseDocument, DeploymentRolloutResumeDocument, type RolloutFieldsFragment } from "../graphql/generated";
import { formatHold, thresholdRows } from "../lib/rollout-evidence";
import { formatNumber } from "../lib/values";
import { EvidenceRef } from "./gate-list";

type Rollout = RolloutFieldsFragment;
type Evidence = NonNullable<Rollout["evidence"]>;
type Control = "pause" | "resume" | "abort";

const VERDICT: Record<string, string> = {
  WAIT: "waiting",
  ADVANCE: "moves to the next step",
  BREACH: "a threshold broke",
  MISSING: "evidence missing",
};

function PlanSteps({ rollout: r }: { rollout: Rollout }) {
  const open = r.status === "RUNNING" || r.status === "PAUSED";
  return (
    <table className="grid">
      <caption>Plan: the new revision's share of each role's traffic, step by step</caption>
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Weight</th>
          <th scope="col">Hold</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {r.plan.steps.map((s, i) => {
          const n = i + 1;
          const state = r.status === "COMPLETED" || n < r.step ? "done" : n === r.step ? (open ? "current" : r.status.toLowerCase().replace("_", " ")) : "to come";
          return (
            <tr key={n} className={n === r.step && open ? "selected" : undefined} aria-current={n === r.step && open ? "step" : undefined}>
              <th scope="row">{n}</th>
              <td>{s.weight}%</td>
              <td>{formatHold(s.holdSeconds)}</td>
              <td>{state}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function StepEvidence({ rollout: r, evidence: ev }: { rollout: Rollout; evidence: Evidence }) {
  const rows = thresholdRows(r.plan, ev);
  return (
    <>
      <table className="grid thresholds">
        <caption>
          Evidence for step {ev.step} against the plan's thresholds (results since <Time value={ev.since} />)
        </caption>
        <thead>
          <tr>
            <th scope="col">Threshold</th>
            <th scope="col">Plan</th>
            <th scope="col">Seen</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.name}>
              <th scope="row">{row.name}</th>
              <td>{row.wants}</td>
              <td>{row.seen}</td>
              <td>
                <span className={`badge threshold-${row.state}`}>{row.state}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">
        {ev.verdict === null || ev.verdict === undefined ? (
          <>The leader does not judge a paused rollout; resuming starts the step's hold and evidence window anew.</>
        ) : (
          <>
            <strong>Leader's verdict: {VERDICT[ev.verdict] ?? ev.verdict.toLowerCase()}</strong> — {ev.reason}
          </>
        )}{" "}
        <span className="muted">
          Evidence due by <Time value={ev.deadline} /> (then {r.plan.onMissingEvidence.toLowerCase()}); a broken threshold means {r.plan.onBreach.toLowerCase()}. Versions judged:{" "}
          {ev.versions.join(", ")}.
        </span>
      </p>
      {ev.canaryResults.length === 0 ? (
        <p className="empty">
          No canary result for step {ev.step} yet. Serving systems report one with <code>canaryResultRecord</code> (error rate, requests, metrics).
        </p>
      ) : (
        <table className="grid">
          <caption>Canary results counted for step {ev.step}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Recorded</th>
              <th scope="col">Version</th>
              <th scope="col">Clean</th>
              <th scope="col">Error rate</th>
              <th scope="col">Requests</th>
              <th scope="col">Metrics</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {ev.canaryResults.map((c, i) => (
              <tr key={`${c.at}:${i}`} className={c.clean ? undefined : "failed"}>
                <td>
                  <Time value={c.at} />
                </td>
                <td>
                  {c.modelName}@{c.version}
                </td>
                <td>{c.clean ? "yes" : "no"}</td>
                <td>{c.errorRate === null || c.errorRate === undefined ? "—" : formatNumber(c.errorRate)}</td>
                <td>{c.requests ?? "—"}</td>
                <td>{c.metrics.map((m) => `${m.key} ${formatNumber(m.value)}`).join(", ") || "—"}</td>
                <td>
                  {c.recordedBy}
                  {c.evidence !== null && c.evidence !== undefined && c.evidence !== "" && (
                    <>
                      {" "}
                      · <EvidenceRef value={c.evidence} label="evidence" />
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const DONE: Record<Control, string> = { pause: "Paused", resume: "Resumed", abort: "Aborted" };

function Controls({ name, environment, rollout: r, onDone }: { name: string; environment: string; rollout: Rollout; onDone: () => void }) {
  const viewer = useViewer();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<readonly UserErrorLike[]>([]);
  const [done, setDone] = useState<string | undefined>(undefined);
  const why = reason.trim();

  const run = async (control: Control) => {
    setBusy(true);
    setErrors([]);
    setDone(undefined);
    const input = { name, environment, reason: why };
    try {
      const payload =
        control === "pause"
          ? (await execute(DeploymentRolloutPauseDocument, { input })).data.deploymentRolloutPause
          : control === "resume"
            ? (await execute(DeploymentRolloutResumeDocument, { input })).data.deploymentRolloutResume
            : (await execute(DeploymentRolloutAbortDocument, { input })).data.deploymentRolloutAbort;
      setErrors(payload.userErrors);
      if (payload.userErrors.length === 0) {
        setDone(
          control === "abort"
            ? `Aborted: revision ${r.fromRevision?.number ?? "?"} takes all traffic again as soon as the rollback is applied.`
            : `${DONE[control]}: the rollout is ${payload.rollout?.status.toLowerCase() ?? "updated"}.`,
        );
        setReason("");
        setConfirming(false);
        onDone();
      }
    } catch (err) {
      setErrors([{ code: "FAILED", message: err instanceof Error ? err.message : String(err) }]);
    } finally {
      setBusy(false);
    }
  };

  const open = r.status === "RUNNING" || r.status === "PAUSED";
  const blocked = busy || why === "";
  return (
    <div className="rollout-controls">
      {open && (
        <div className="inline-form">
          <Field label="Reason (required)">
            {(id) => <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="why (recorded in the audit trail)" size={40} required />}
          </Field>
          <div className="buttons">
            {r.status === "RUNNING" && (
              <ActionButton permission={can(viewer, "PUBLISHER", "pausing a rollout")} busy={blocked} onClick={() => void run("pause")}>
                Pause
              </ActionButton>
            )}
            {r.status === "PAUSED" && (
              <ActionButton permission={can(viewer, "APPROVER", "resuming a rollout")} busy={blocked} className="button button-primary" onClick={() => void run("resume")}>
                Resume
              </ActionButton>
            )}
            <ActionButton permission={can(viewer, "APPROVER", "aborting a rollout")} busy={blocked} className="button button-danger" onClick={() => setConfirming(true)}>
              Abort…
            </ActionButton>
          </div>
          <p className="muted small">Pause holds the weights; Resume starts the step's hold and evidence window anew; Abort rolls back to revision {r.fromRevision?.number ?? "?"}.</p>
        </div>
      )}
      <UserErrors errors={errors} />
      {done !== undefined && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <Dialog title={`Abort the rollout of ${name} in ${environment}?`} open={confirming} onClose={() => setConfirming(false)}>
        <p>
          Revision {r.fromRevision?.number ?? "?"} takes all traffic again at once (a rollback without gates); revision {r.revision.number} stops serving. Reason: <q>{why}</q>
        </p>
        <div className="buttons">
          <button type="button" className="button button-danger" disabled={busy} onClick={() => void run("abort")}>
            Confirm abort
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
        <UserErrors errors={errors} />
      </Dialog>
    </div>
  );
}

/** Where the rollout stands, in words. */
function standing(r: Rollout): string {
  const steps = r.plan.steps.length;
  switch (r.status) {
    case "RUNNING":
    case "PAUSED":
      return `step ${r.step} of ${steps}, ${r.weight}% of traffic to revision ${r.revision.number}`;
    case "COMPLETED":
      return `completed; revision ${r.revision.number} takes all traffic`;
    case "ROLLED_BACK":
      return `rolled back at step ${r.step} of ${steps}; revision ${r.fromRevision?.number ?? "?"} takes all traffic again`;
    default:
      return `superseded at step ${r.step} of ${steps} by another revision`;
  }
}

export function RolloutPanel({ name, environment, rollout: r, onDone }: { name: string; environment: string; rollout: Rollout; onDone: () => void }) {
  const open = r.status === "RUNNING" || r.status === "PAUSED";
  const over = r.fromRevision === null || r.fromRevision === undefined ? "" : ` over revision ${r.fromRevision.number}`;
  return (
    <section className="rollout" aria-labelledby="rollout-title">
      <h2 id="rollout-title">
        Guarded rollout <StatusBadge status={r.status} />
      </h2>
      <p>
        Revision {r.revision.number}
        {over}: {standing(r)}.{" "}
        {open ? (
          <span className="muted small">
            Step started <Time value={r.stepStartedAt} />
            {r.nextAt ? (
              <>
                ; next step not before <Time value={r.nextAt} />, with its evidence in
              </>
            ) : null}
            .
          </span>
        ) : (
          <span className="muted small">
            Ended <Time value={r.updatedAt} />.
          </span>
        )}
      </p>
      {r.pausedReason && (
        <p className="warning-box" role="status">
          <strong>Paused:</strong> {r.pausedReason}
        </p>
      )}
      {open ? (
        <div className="two-columns">
          <div>
            <PlanSteps rollout={r} />
            <h3>Served now</h3>
            <WeightsBar components={r.weights} />
          </div>
          <div>{r.evidence ? <StepEvidence rollout={r} evidence={r.evidence} /> : <p className="muted">No evidence to judge: the rollout has no revision to compare with.</p>}</div>
        </div>
      ) : (
        <details>
          <summary>Its plan</summary>
          <PlanSteps rollout={r} />
        </details>
      )}
      <Controls name={name} environment={environment} rollout={r} onDone={onDone} />
    </section>
  );
}
