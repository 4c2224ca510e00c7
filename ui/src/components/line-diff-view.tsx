/** A unified line diff (`@@` hunks, `+` added and `-` removed lines) with the changes marked. */
export function LineDiffView({ unified, label }: { unified: string; label: string }) {
  const lines = unified.replace(/\n$/, "").split("\n");
  return (
    // Focusable: a long diff scrolls, and a scrolling region must be reachable by keyboard.
    <pre className="prompt diff line-diff" aria-label={label} tabIndex={0}>
      {lines.map((line, i) => {
        const text = `${line}\n`;
        if (line.startsWith("@@")) return <span key={i} className="hunk">{text}</span>;
        if (line.startsWith("+")) return <ins key={i}>{text}</ins>;
        if (line.startsWith("-")) return <del key={i}>{text}</del>;
        return <span key={i}>{text}</span>;
      })}
    </pre>
  );
}
