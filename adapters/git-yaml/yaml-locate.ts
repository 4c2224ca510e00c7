/** Maps paths into a parsed YAML document to source lines, and source offsets back to paths. */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter } from "yaml";

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function startOf(node: unknown): number | undefined {
  if (node !== null && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range?.[0];
  }
  return undefined;
}

/**
 * Offset of the deepest existing node along `path`: the key of a map entry (so a block value is
 * reported at its key's line), or the item of a sequence. Missing segments stop the walk, so a
 * missing field is reported at the object that should hold it.
 */
export function offsetOfPath(doc: Document, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(segment));
      if (!pair) break;
      offset = startOf(pair.key) ?? startOf(pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) break;
      offset = startOf(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

export function lineOfPath(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number {
  return lines.linePos(offsetOfPath(doc, path)).line;
}

/** The path of the deepest map entry or sequence item whose source range holds `offset`. */
export function pathAtOffset(doc: Document, offset: number): PropertyKey[] {
  const path: PropertyKey[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const start = startOf(pair.key);
        const end = endOf(pair.value) ?? endOf(pair.key);
        if (start !== undefined && end !== undefined && offset >= start && offset <= end) {
          path.push(keyText(pair.key));
          next = pair.value;
          break;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const start = startOf(item);
        const end = endOf(item);
        if (next === undefined && start !== undefined && end !== undefined && offset >= start && offset <= end) {
          path.push(index);
          next = item;
        }
      });
    }
    if (next === undefined) return path;
    node = next;
  }
}

function endOf(node: unknown): number | undefined {
  if (node !== null && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range?.[2];
  }
  return undefined;
}
