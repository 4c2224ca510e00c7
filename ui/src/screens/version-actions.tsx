/**
 * Promotion and rollback for a version, by role: a publisher asks to move it to a stage in an
 * environment (gates and approvals follow in the queue); an approver rolls an environment back
 * to its previous production version.
 */
import { Field } from "../components/field";
import { useState, type FormEvent } from "react";
import { can } from "../auth/permissions";
import { useViewer } from "../auth/viewer";
import { ActionButton } from "../components/action-button";
import { UserErrors, type UserErrorLike } from "../components/status";
import { execute } from "../graphql/client";
import { ModelRollbackDocument, PromotionRequestCreateDocument, type ModelDetailQuery, type Stage } from "../graphql/generated";
import { href, Link } from "../router";

type Detail = NonNullable<ModelDetailQuery>;

interface Props {
  backend: string;
  model: string;
  version: string;
  stage: Stage;
  environments: Detail["environments"];
  transitions: Detail["policies"]["transitions"];
  onDone: () => void;
}

export function VersionActions({ backend, model, version, stage, environments, transitions, onDone }: Props) {
  const viewer = useViewer();
  const targets = transitions.find((t) => t.from === stage)?.to ?? [];
  const envFor = (stage: Stage | undefined) => environments.find((e) => e.stage === stage)?.name ?? environments[0]?.name ?? "";
  const firstTarget = targets.includes("PRODUCTION") ? "PRODUCTION" : targets[0];
  const [toStage, setToStage] = useState<Stage | "">(firstTarget ?? "");
  const [environment, setEnvironment] = useState(envFor(firstTarget));
  const [reason, setReason] = useState("");
  const [rollbackEnv, setRollbackEnv] = useState(environments.find((e) => e.stage === "PRODUCTION")?.name ?? environments[0]?.name ?? "");
  const [rollbackReason, setRollbackReason] = useState("");
  const [errors, setErrors] = useState<readonly UserErrorLike[]>([]);
  const [done, setDone] = useState<{ id: string; status: string; what: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const promote = can(viewer, "PUBLISHER", "requesting a promotion");
  const rollback = can(viewer, "APPROVER", "rolling back");

  const run = async (what: string, action: () => Promise<{ promotionRequest: { id: string; status: string } | null; userErrors: readonly UserErrorLike[] }>) => {
    setBusy(true);
    setErrors([]);
    setDone(undefined);
    try {
      const payload = await action();
      setErrors(payload.userErrors);
      if (payload.promotionRequest !== null) {
        setDone({ ...payload.promotionRequest, what });
        onDone();
      }
    } catch (err) {
      setErrors([{ code: "FAILED", message: err instanceof Error ? err.message : String(err) }]);
    } finally {
      setBusy(false);
    }
  };

  const submitPromotion = (event: FormEvent) => {
    event.preventDefault();
    if (toStage === "") return;
    void run(`promotion to ${toStage.toLowerCase()} in ${environment}`, async () => {
      const { data } = await execute(PromotionRequestCreateDocument, { input: { backend, model, version, toStage, environment, reason: reason.trim() } });
      return data.promotionRequest;
    });
  };
  const submitRollback = (event: FormEvent) => {
    event.preventDefault();
    void run(`rollback in ${rollbackEnv}`, async () => {
      const { data } = await execute(ModelRollbackDocument, { input: { backend, model, environment: rollbackEnv, reason: rollbackReason.trim() } });
      return data.modelRollback;
    });
  };

  return (
    <div className="actions-panel">
      <form className="inline-form" onSubmit={submitPromotion} aria-label={`Request a promotion of version ${version}`}>
        <h3>Change the stage of version {version}</h3>
        {targets.length === 0 ? (
          <p className="muted">No stage change is allowed from {stage.toLowerCase()}.</p>
        ) : (
          <>
            <Field label="To stage">
              {(id) => (
                <select id={id}
                  value={toStage}
                  onChange={(e) => {
                    const stage = e.target.value as Stage;
                    setToStage(stage);
                    setEnvironment(envFor(stage));
                  }}
                >
                  {targets.map((t) => (
                    <option key={t} value={t}>
                      {t.toLowerCase()}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Environment">
              {(id) => (
                <select id={id} value={environment} onChange={(e) => setEnvironment(e.target.value)}>
                  {environments.map((e) => (
                    <option key={e.name} value={e.name}>
                      {e.name} (runs {e.stage.toLowerCase()})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Reason">
              {(id) => (
                <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} required placeholder="why (recorded in the audit trail)" />
              )}
            </Field>
            <ActionButton permission={promote} busy={busy || reason.trim() === ""} type="submit" className="button button-primary">
              Request promotion
            </ActionButton>
          </>
        )}
      </form>
      <form className="inline-form" onSubmit={submitRollback} aria-label={`Roll back ${model}`}>
        <h3>Roll back {model}</h3>
        <p className="muted small">Puts back the previous production version at once, skipping gates (emergency path).</p>
        <Field label="Environment">
          {(id) => (
            <select id={id} value={rollbackEnv} onChange={(e) => setRollbackEnv(e.target.value)}>
              {environments.map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Reason">
          {(id) => (
            <input id={id} value={rollbackReason} onChange={(e) => setRollbackReason(e.target.value)} required placeholder="what went wrong" />
          )}
        </Field>
        <ActionButton permission={rollback} busy={busy || rollbackReason.trim() === ""} type="submit" className="button button-danger">
          Roll back
        </ActionButton>
      </form>
      <UserErrors errors={errors} />
      {done !== undefined && (
        <p className="notice" role="status">
          Recorded: {done.what} ({done.status.toLowerCase()}). Follow it in the <Link to={href(["approvals"])}>approval queue</Link>.
        </p>
      )}
    </div>
  );
}
