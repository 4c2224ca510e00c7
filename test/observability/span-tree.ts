/** Reading finished spans in tests: one trace's spans, parents and children, and a printable tree. */
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

export const idOf = (s: ReadableSpan): string => s.spanContext().spanId;
export const traceOf = (s: ReadableSpan): string => s.spanContext().traceId;
export const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

/** The spans of one trace. */
export function traceSpans(spans: readonly ReadableSpan[], traceId: string): ReadableSpan[] {
  return spans.filter((s) => traceOf(s) === traceId);
}

/** The one span named `name` (fails loudly when there is none or several). */
export function only(spans: readonly ReadableSpan[], name: string | RegExp): ReadableSpan {
  const found = spans.filter((s) => (typeof name === "string" ? s.name === name : name.test(s.name)));
  if (found.length !== 1) throw new Error(`expected one span ${String(name)}, found ${found.length}: ${spans.map((s) => s.name).join(", ")}`);
  return found[0]!;
}

/** Whether `ancestor` is `span`'s parent, grandparent ... within `spans`. */
export function descendsFrom(spans: readonly ReadableSpan[], span: ReadableSpan, ancestor: ReadableSpan): boolean {
  const byId = new Map(spans.map((s) => [idOf(s), s]));
  let parent = parentOf(span);
  while (parent !== undefined) {
    if (parent === idOf(ancestor)) return true;
    parent = byId.has(parent) ? parentOf(byId.get(parent)!) : undefined;
  }
  return false;
}

/** An indented tree of one trace's spans (start order), with a few telling attributes. */
export function renderTree(spans: readonly ReadableSpan[]): string {
  const ids = new Set(spans.map(idOf));
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const s of [...spans].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])) {
    const parent = parentOf(s) !== undefined && ids.has(parentOf(s)!) ? parentOf(s) : undefined;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const shown = ["modelgate.backend.id", "modelgate.backend.outcome", "modelgate.outbox.outcome", "rpc.method", "http.response.status_code", "url.full"];
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of children.get(parent) ?? []) {
      const ms = s.duration[0] * 1_000 + s.duration[1] / 1e6;
      const attrs = shown.filter((k) => s.attributes[k] !== undefined).map((k) => `${k}=${String(s.attributes[k])}`);
      lines.push(`${"  ".repeat(depth)}${s.name} [${s.instrumentationScope.name}] ${ms.toFixed(1)} ms${attrs.length ? `  ${attrs.join(" ")}` : ""}`);
      walk(idOf(s), depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}
