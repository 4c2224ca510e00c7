/**
 * A labelled form control: the label names the control exactly (a label wrapped around a select
 * would add the selected option to its accessible name).
 */
import { useId, type ReactNode } from "react";

export function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
