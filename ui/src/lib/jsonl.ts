/** Audit events as JSON Lines: one event per line, in the order given, every field kept. */
export function toJsonl(events: readonly object[]): string {
  return events.map((e) => JSON.stringify(e)).join("\n") + (events.length > 0 ? "\n" : "");
}

/** Offers text as a file download (a Blob URL: nothing leaves the browser). */
export function download(filename: string, text: string, type = "application/x-ndjson"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
