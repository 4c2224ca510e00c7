import { wordDiff } from "../lib/word-diff";

/** A text with the words added since `before` underlined green and those removed struck red. */
export function WordDiffView({ before, after, label }: { before: string; after: string; label: string }) {
  const parts = wordDiff(before, after);
  return (
    <pre className="prompt diff" aria-label={label}>
      {parts.map((p, i) =>
        p.kind === "same" ? (
          <span key={i}>{p.text}</span>
        ) : p.kind === "added" ? (
          <ins key={i}>{p.text}</ins>
        ) : (
          <del key={i}>{p.text}</del>
        ),
      )}
    </pre>
  );
}
