/** Who owns a model (its modelgate.owner tags, else lifecycle.owners): the team and how to reach them. */
import type { OwnerFieldsFragment } from "../../graphql/generated";

export function Owner({ owner }: { owner: OwnerFieldsFragment | null | undefined }) {
  if (owner === null || owner === undefined) return <span className="muted">no owner named</span>;
  const contact = owner.contact ?? undefined;
  return (
    <span className="owner">
      {owner.team !== null && owner.team !== undefined && <strong>{owner.team}</strong>}
      {owner.team && contact ? " " : ""}
      {contact !== undefined && (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(contact) ? <a href={`mailto:${contact}`}>{contact}</a> : <span>{contact}</span>)}{" "}
      <span className="muted small">({owner.source === "TAG" ? "model tags" : "lifecycle.owners"})</span>
    </span>
  );
}
