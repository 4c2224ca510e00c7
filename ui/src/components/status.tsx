/** Loading, failure and partial-result notices shared by the screens. */
import type { ReactNode } from "react";
import type { GraphQLErrorLike } from "../graphql/client";

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ error, children }: { error: Error | string; children?: ReactNode }) {
  return (
    <div className="error-box" role="alert">
      <strong>Could not load this.</strong> {typeof error === "string" ? error : error.message}
      {children}
    </div>
  );
}

export function PartialErrors({ errors }: { errors: readonly GraphQLErrorLike[] }) {
  if (errors.length === 0) return null;
  return (
    <div className="warning-box" role="status">
      <strong>Some parts could not be read:</strong>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            {typeof e.extensions?.["backend"] === "string" ? `${e.extensions["backend"]}: ` : ""}
            {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface UserErrorLike {
  code: string;
  field?: readonly string[] | null;
  message: string;
}

export function UserErrors({ errors }: { errors: readonly UserErrorLike[] }) {
  if (errors.length === 0) return null;
  return (
    <div className="error-box" role="alert">
      <strong>Not done:</strong>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            {e.message}
            {e.field && e.field.length > 0 ? ` (${e.field.join(".")})` : ""}
          </li>
        ))}
      </ul>
    </div>
  );
}
