/**
 * Parsing modelgate.yaml while keeping the document, so later problems (a bad value, a missing
 * environment variable) can be reported with the line they are on.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document } from "yaml";
import { ConfigError } from "./config-error.js";
import type { KeyPath } from "./key-path.js";

export interface YamlSource {
  /** The parsed value: a mapping, `{}` for an empty file. */
  value: Record<string, unknown>;
  /** 1-based line of the key (or list item) at `path`, or of its nearest existing parent. */
  lineOf(path: KeyPath): number | undefined;
}

function describeTopLevel(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  return typeof value === "string" ? "a string" : `a ${typeof value}`;
}

export function parseYamlConfig(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc: Document.Parsed = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      `invalid YAML in ${file}`,
      doc.errors.map((err) => {
        const { line, col } = lineCounter.linePos(err.pos[0]);
        return `line ${line}, column ${col}: ${err.message}`;
      }),
      { file },
    );
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(`invalid YAML in ${file}`, [err instanceof Error ? err.message : String(err)], { file, cause: err });
  }
  if (value === null || value === undefined) value = {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`invalid configuration in ${file}`, [
      `(top level): expected a mapping of keys (server:, backends: ...), found ${describeTopLevel(value)}`,
    ], { file });
  }

  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

  return {
    value: value as Record<string, unknown>,
    lineOf(path) {
      let node: unknown = doc.contents;
      let line = lineAt((doc.contents as { range?: [number, number, number] } | null)?.range?.[0]);
      for (const segment of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
          if (pair === undefined) break;
          line = lineAt((pair.key as { range?: [number, number, number] }).range?.[0]) ?? line;
          node = pair.value;
        } else if (isSeq(node) && typeof segment === "number") {
          const item: unknown = node.items[segment];
          if (item === undefined) break;
          line = lineAt((item as { range?: [number, number, number] } | null)?.range?.[0]) ?? line;
          node = item;
        } else break;
      }
      return line;
    },
  };
}
