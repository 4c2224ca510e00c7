/**
 * Line alignment: a longest common subsequence of two line arrays. The git-YAML adapter uses it to
 * keep untouched lines of an edited file byte for byte; provenance uses it for prompt diffs.
 */

/** Above this many cells of the middle part, only the common head and tail are aligned. */
const MAX_TABLE = 4_000_000;

/**
 * Pairs [i, j] (increasing in both) of equal lines `a[i] === b[j]` forming a longest common
 * subsequence of the two arrays.
 */
export function matchLines(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;

  const matches: Array<[number, number]> = [];
  for (let i = 0; i < head; i++) matches.push([i, i]);

  const n = a.length - head - tail;
  const m = b.length - head - tail;
  if (n > 0 && m > 0 && n * m <= MAX_TABLE) {
    // lengths[i][j] = LCS length of a[head+i..] and b[head+j..], in one flat array.
    const width = m + 1;
    const lengths = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i * width + j] =
          a[head + i] === b[head + j]
            ? lengths[(i + 1) * width + j + 1]! + 1
            : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (a[head + i] === b[head + j]) {
        matches.push([head + i, head + j]);
        i++;
        j++;
      } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
        i++;
      } else {
        j++;
      }
    }
  }

  for (let k = tail; k > 0; k--) matches.push([a.length - k, b.length - k]);
  return matches;
}

export type LineOp = "EQUAL" | "ADDED" | "REMOVED";

export interface DiffLine {
  op: LineOp;
  text: string;
  /** 1-based line in the old text (absent for ADDED). */
  oldLine?: number;
  /** 1-based line in the new text (absent for REMOVED). */
  newLine?: number;
}

/** The lines of `before` and `after` as a line diff: every line once, removed before added at each change. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  const flush = (untilA: number, untilB: number) => {
    for (; i < untilA; i++) out.push({ op: "REMOVED", text: a[i]!, oldLine: i + 1 });
    for (; j < untilB; j++) out.push({ op: "ADDED", text: b[j]!, newLine: j + 1 });
  };
  for (const [mi, mj] of matchLines(a, b)) {
    flush(mi, mj);
    out.push({ op: "EQUAL", text: a[mi]!, oldLine: mi + 1, newLine: mj + 1 });
    i = mi + 1;
    j = mj + 1;
  }
  flush(a.length, b.length);
  return out;
}

/** A unified diff body (no file headers): hunks with `context` equal lines around each change. */
export function unifiedDiff(lines: readonly DiffLine[], context = 3): string {
  const changed = lines.map((l, k) => (l.op === "EQUAL" ? -1 : k)).filter((k) => k >= 0);
  if (changed.length === 0) return "";
  const hunks: Array<[number, number]> = [];
  for (const k of changed) {
    const start = Math.max(0, k - context);
    const end = Math.min(lines.length - 1, k + context);
    const last = hunks[hunks.length - 1];
    if (last !== undefined && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else hunks.push([start, end]);
  }
  const out: string[] = [];
  for (const [start, end] of hunks) {
    const part = lines.slice(start, end + 1);
    const oldStart = part.find((l) => l.oldLine !== undefined)?.oldLine ?? 0;
    const newStart = part.find((l) => l.newLine !== undefined)?.newLine ?? 0;
    const oldCount = part.filter((l) => l.op !== "ADDED").length;
    const newCount = part.filter((l) => l.op !== "REMOVED").length;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const l of part) out.push(`${l.op === "EQUAL" ? " " : l.op === "ADDED" ? "+" : "-"}${l.text}`);
  }
  return `${out.join("\n")}\n`;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
