/**
 * Editing the human-written sections of a model card (modelCardUpdate, audited as
 * model_card.update): for this version or for the model (every version that does not have its own
 * text). Publishers only; others see the form disabled with the reason.
 */
import { useState, type FormEvent } from "react";
import { can } from "../../auth/permissions";
import { useViewer } from "../../auth/viewer";
import { ActionButton } from "../../components/action-button";
import { Field } from "../../components/field";
import { UserErrors, type UserErrorLike } from "../../components/status";
import { execute } from "../../graphql/client";
import { ModelCardUpdateDocument, type ModelCardSectionsInput } from "../../graphql/generated";
import { CARD_SECTIONS, changedSections } from "../../lib/card-sections";

interface Props {
  backend: string;
  model: string;
  version: string;
  /** The sections the card shows now (the version's own over the model's), and license. */
  shown: Readonly<Record<string, string>>;
  onSaved: () => void;
}

export function CardEditor({ backend, model, version, shown, onSaved }: Props) {
  const viewer = useViewer();
  const permission = can(viewer, "PUBLISHER", "editing the model card");
  const [scope, setScope] = useState<"version" | "model">("version");
  const [texts, setTexts] = useState<Record<string, string>>(() => ({ ...shown }));
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<readonly UserErrorLike[]>([]);
  const [done, setDone] = useState<string | undefined>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors([]);
    setDone(undefined);
    const sections = changedSections(shown, texts);
    if (Object.keys(sections).length === 0) {
      setErrors([{ code: "NO_CHANGE", message: "nothing to save: no section differs from the card" }]);
      return;
    }
    setBusy(true);
    try {
      const { data } = await execute(ModelCardUpdateDocument, {
        input: { backend, model, ...(scope === "version" ? { version } : {}), sections: sections as ModelCardSectionsInput, ...(reason.trim() === "" ? {} : { reason: reason.trim() }) },
      });
      const payload = data.modelCardUpdate;
      setErrors(payload.userErrors);
      if (payload.userErrors.length === 0) {
        const mirror = payload.mirror === null ? "" : `; ${payload.mirror.backendId}: ${payload.mirror.status.toLowerCase()} (${payload.mirror.message})`;
        setDone(`${payload.changed === false ? "Already so" : "Saved"}: ${Object.keys(sections).join(", ")} of ${scope === "version" ? `version ${version}` : `the model ${model}`}${mirror}`);
        onSaved();
      }
    } catch (err) {
      setErrors([{ code: "FAILED", message: err instanceof Error ? err.message : String(err) }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card-editor" aria-label="Edit the model card" onSubmit={(e) => void submit(e)}>
      <h3>Edit the human-written sections</h3>
      <p className="muted small">Only sections you change are written; an emptied section is cleared. A version's own text wins over the model's. Every write is audited and mirrored to the backend where it has a place for it.</p>
      <fieldset disabled={!permission.allowed}>
        <legend className="visually-hidden">Sections</legend>
        <Field label="Write for">
          {(id) => (
            <select id={id} value={scope} onChange={(e) => setScope(e.target.value as "version" | "model")}>
              <option value="version">this version ({version})</option>
              <option value="model">the model (every version)</option>
            </select>
          )}
        </Field>
        {CARD_SECTIONS.map((s) => (
          <Field key={s.id} label={s.title}>
            {(id) => <textarea id={id} rows={3} value={texts[s.id] ?? ""} onChange={(e) => setTexts((t) => ({ ...t, [s.id]: e.target.value }))} />}
          </Field>
        ))}
        <Field label="License (SPDX id)">
          {(id) => <input id={id} value={texts["license"] ?? ""} onChange={(e) => setTexts((t) => ({ ...t, license: e.target.value }))} placeholder="apache-2.0" />}
        </Field>
        <Field label="Reason">
          {(id) => <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="why (recorded in the audit trail)" />}
        </Field>
      </fieldset>
      <ActionButton permission={permission} busy={busy} type="submit" className="button button-primary">
        Save the card
      </ActionButton>
      <UserErrors errors={errors} />
      {done !== undefined && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
    </form>
  );
}
