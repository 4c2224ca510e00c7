/**
 * Word-level diff of two texts (prompts): words and the whitespace between them are tokens, so
 * joining the parts gives back either text exactly. Longest common subsequence after trimming the
 * common head and tail; a middle too large to compare word by word is shown replaced as a whole.
 */
export interface DiffPart {
  kind: "same" | "added" | "removed";
  text: string;
}

/** Past this many cells the middle is shown as removed + added (keeps the page responsive). */
const MAX_CELLS = 4_000_000;

export function tokenize(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

function push(parts: DiffPart[], kind: DiffPart["kind"], text: string): void {
  const last = parts[parts.length - 1];
  if (last !== undefined && last.kind === kind) last.text += text;
  else if (text !== "") parts.push({ kind, text });
}

export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokenize(before);
  const b = tokenize(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const parts: DiffPart[] = [];
  push(parts, "same", a.slice(0, head).join(""));
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_CELLS) {
    push(parts, "removed", midA.join(""));
    push(parts, "added", midB.join(""));
  } else if (n > 0 || m > 0) {
    // lcs[i * (m + 1) + j]: length of the LCS of midA[i..] and midB[j..].
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] = midA[i] === midB[j] ? (lcs[(i + 1) * (m + 1) + j + 1] as number) + 1 : Math.max(lcs[(i + 1) * (m + 1) + j] as number, lcs[i * (m + 1) + j + 1] as number);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (midA[i] === midB[j]) {
        push(parts, "same", midA[i] as string);
        i++;
        j++;
      } else if ((lcs[(i + 1) * (m + 1) + j] as number) >= (lcs[i * (m + 1) + j + 1] as number)) {
        push(parts, "removed", midA[i] as string);
        i++;
      } else {
        push(parts, "added", midB[j] as string);
        j++;
      }
    }
    while (i < n) push(parts, "removed", midA[i++] as string);
    while (j < m) push(parts, "added", midB[j++] as string);
  }
  push(parts, "same", a.slice(a.length - tail).join(""));
  return parts;
}

/** The text on one side of a diff. */
export function sideOf(parts: readonly DiffPart[], side: "before" | "after"): string {
  return parts.filter((p) => p.kind === "same" || p.kind === (side === "before" ? "removed" : "added")).map((p) => p.text).join("");
}
