/** Page cursors: the last key served (not an offset), base64url JSON, checked on the way back in. */
import { InvalidInputError } from "modelgate/core";

export interface ModelCursor {
  k: "bentoml-m";
  /** The last model directory served. */
  n: string;
}
export interface VersionCursor {
  k: "bentoml-v";
  /** creation_time (µs) and id of the last version served. */
  t: number;
  v: string;
}

export function encodeCursor(cursor: ModelCursor | VersionCursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

export function decodeModelCursor(after: string | undefined, backend: string): ModelCursor | undefined {
  if (after === undefined) return undefined;
  const c = parse(after);
  if (c?.k !== "bentoml-m" || typeof c.n !== "string") throw invalid(backend);
  return c as unknown as ModelCursor;
}

export function decodeVersionCursor(after: string | undefined, backend: string): VersionCursor | undefined {
  if (after === undefined) return undefined;
  const c = parse(after);
  if (c?.k !== "bentoml-v" || typeof c.t !== "number" || typeof c.v !== "string") throw invalid(backend);
  return c as unknown as VersionCursor;
}

function parse(after: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(after, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function invalid(backend: string): InvalidInputError {
  return new InvalidInputError("after: not a cursor this backend issued", { backend, field: "after" });
}
