/**
 * Editing YAML with the `yaml` Document API while keeping the file as people wrote it.
 *
 * The Document API keeps comments, blank lines, quoting and flow/block style, but re-renders some
 * whitespace (inside `{ }`, before `#`). To keep untouched lines byte for byte, the original and the
 * edited document are both rendered the same way, aligned line by line, and every line the edit did
 * not change is taken from the original source. The result is checked to parse to exactly the edited
 * data; if it does not (an exotic layout), the plain rendering is used instead.
 */
import { isDeepStrictEqual } from "node:util";
import { parseDocument, type Document, type ToStringOptions } from "yaml";
import { matchLines } from "../../src/core/index.js";

export const RENDER_OPTIONS: ToStringOptions = { lineWidth: 0, minContentWidth: 0 };

/** Applies `edit` to the document parsed from `source` and renders it, preserving untouched lines. */
export function editYaml(source: string, edit: (doc: Document) => void): string {
  const crlf = source.includes("\r\n");
  const lf = crlf ? source.replace(/\r\n/g, "\n") : source;
  const doc = parseDocument(lf);
  if (doc.errors.length > 0) {
    throw new Error(`cannot edit YAML with syntax errors: ${doc.errors[0]?.message ?? ""}`);
  }
  const before = parseDocument(lf).toString(RENDER_OPTIONS);
  edit(doc);
  const after = doc.toString(RENDER_OPTIONS);
  const merged = mergeUntouched(lf.endsWith("\n") ? lf : `${lf}\n`, before, after);
  const result = merged !== after && sameData(merged, after) ? merged : after;
  return crlf ? result.replace(/\n/g, "\r\n") : result;
}

/** Renders a new document from plain data. */
export function renderYaml(doc: Document): string {
  return doc.toString(RENDER_OPTIONS);
}

/**
 * `after` with every line it shares with `before` replaced by the original source line at the same
 * position. Needs `source` and `before` to have the same line count (a line-for-line rendering).
 */
export function mergeUntouched(source: string, before: string, after: string): string {
  const src = source.split("\n");
  const old = before.split("\n");
  const next = after.split("\n");
  if (src.length !== old.length) return after;
  const out: string[] = [];
  let j = 0;
  for (const [mi, mj] of matchLines(old, next)) {
    while (j < mj) out.push(next[j++]!);
    out.push(src[mi]!);
    j = mj + 1;
  }
  while (j < next.length) out.push(next[j++]!);
  return out.join("\n");
}

function sameData(a: string, b: string): boolean {
  const da = parseDocument(a);
  const db = parseDocument(b);
  return da.errors.length === 0 && isDeepStrictEqual(da.toJS(), db.toJS());
}
