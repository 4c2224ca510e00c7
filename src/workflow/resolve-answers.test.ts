/**
 * ResolveAnswers' bookkeeping, with the resolvers replaced by builds the test finishes when it
 * wants (the interleavings below cannot be produced on demand by a real backend; the end-to-end
 * behaviour against git, MLflow and gateway writes is test/api/resolve-cache.test.ts). Time is an
 * injected clock: nothing waits.
 */
import { describe, expect, it } from "vitest";
import { createCallContext, systemActor } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { EntryResolver, ResolvedEntry } from "../catalog/resolve-entry.js";
import type { DeploymentResolver } from "./deployment-resolve.js";
import { ANSWER_MAX_AGE_MS, ResolveAnswers } from "./resolve-answers.js";

const ctx = () => createCallContext({ timeoutMs: 10_000, actor: systemActor("test", "test") });

function setup(opts: { watches: boolean; resolveCacheMs?: number }) {
  let clock = 0;
  let audit: ((actions?: ReadonlySet<string>) => void) | undefined;
  let backendChanged: (() => void) | undefined;
  const builds: { version: string; finish: () => void }[] = [];
  let version = "1";
  const adapter = {
    info: { id: "b", kind: "test" },
    ...(opts.watches
      ? {
          watchChanges: (listener: () => void) => {
            backendChanged = listener;
            return () => (backendChanged = undefined);
          },
        }
      : {}),
  };
  const catalog = { adapters: [adapter], backendIds: () => ["b"], has: (id: string) => id === "b", backend: () => adapter } as unknown as Catalog;
  const entries = {
    resolve: ({ name, environment }: { name: string; environment: string }) =>
      new Promise<ResolvedEntry>((resolve) => {
        const v = version;
        builds.push({ version: v, finish: () => resolve({ name, environment, backendId: "b", registryVersion: `b/${name}@${v}` } as ResolvedEntry) });
      }),
  } as unknown as EntryResolver;
  const deployments = { find: async () => undefined } as unknown as DeploymentResolver;
  const answers = new ResolveAnswers(catalog, { onAuditAppended: (l) => ((audit = (actions) => l(1, actions)), () => (audit = undefined)) }, deployments, entries, {
    resolveCacheMs: () => opts.resolveCacheMs ?? 1_000,
    buildTimeoutMs: 10_000,
    now: () => clock,
  });
  return {
    answers,
    builds,
    setVersion: (v: string) => (version = v),
    advance: (ms: number) => (clock += ms),
    audit: (actions?: ReadonlySet<string>) => audit?.(actions),
    backendChanged: () => backendChanged?.(),
  };
}

const settle = () => new Promise((r) => setImmediate(r));
const versionOf = (a: { answer: { kind: string; entry?: ResolvedEntry } }) => a.answer.entry?.registryVersion;

describe("ResolveAnswers", () => {
  it("builds once for concurrent callers, serves the kept answer, and builds again after an audit event", async () => {
    const t = setup({ watches: true });
    const a = t.answers.get("m", "production", ctx());
    const b = t.answers.get("m", "production", ctx());
    await settle();
    expect(t.builds).toHaveLength(1);
    t.builds[0]?.finish();
    expect(versionOf(await a)).toBe("b/m@1");
    expect(await b).toBe(await a);
    expect(t.answers.peek("m", "production")).toBe(await a);
    // Every backend read announces changes: clients revalidate every time.
    expect((await a).staleMs).toBeUndefined();

    t.setVersion("2");
    t.audit();
    expect(t.answers.peek("m", "production")).toBeUndefined();
    const c = t.answers.get("m", "production", ctx());
    await settle();
    t.builds[1]?.finish();
    expect(versionOf(await c)).toBe("b/m@2");
  });

  it("hands a build that a change overtook to its callers but does not keep it", async () => {
    const t = setup({ watches: true });
    const a = t.answers.get("m", "production", ctx());
    await settle();
    t.backendChanged();
    // A caller after the change does not join the build that started before it.
    const b = t.answers.get("m", "production", ctx());
    await settle();
    expect(t.builds).toHaveLength(2);
    t.builds[0]?.finish();
    expect(versionOf(await a)).toBe("b/m@1");
    expect(t.answers.peek("m", "production")).toBeUndefined();
    t.builds[1]?.finish();
    expect(await b).toBe(t.answers.peek("m", "production"));
  });

  it("keeps an answer from a backend without notifications for its resolveCacheMs, rebuilding it in the background near the end", async () => {
    const t = setup({ watches: false, resolveCacheMs: 1_000 });
    const first = t.answers.get("m", "production", ctx());
    await settle();
    t.builds[0]?.finish();
    expect((await first).staleMs).toBe(1_000);

    t.advance(500);
    expect(t.answers.peek("m", "production")).toBe(await first);
    expect(t.builds).toHaveLength(1);
    // In the last quarter: still served, one rebuild started for all.
    t.setVersion("2");
    t.advance(300);
    expect(t.answers.peek("m", "production")).toBe(await first);
    expect(t.answers.peek("m", "production")).toBe(await first);
    await settle();
    expect(t.builds).toHaveLength(2);
    t.builds[1]?.finish();
    await settle();
    expect(versionOf(t.answers.peek("m", "production")!)).toBe("b/m@2");

    // Past its life with no request in between: built in the foreground.
    t.advance(1_000);
    expect(t.answers.peek("m", "production")).toBeUndefined();
  });

  it("never keeps an answer longer than ANSWER_MAX_AGE_MS, and not at all with resolveCacheMs 0", async () => {
    const watched = setup({ watches: true });
    const a = watched.answers.get("m", "production", ctx());
    await settle();
    watched.builds[0]?.finish();
    await a;
    watched.advance(ANSWER_MAX_AGE_MS);
    expect(watched.answers.peek("m", "production")).toBeUndefined();

    const uncached = setup({ watches: false, resolveCacheMs: 0 });
    const b = uncached.answers.get("m", "production", ctx());
    await settle();
    uncached.builds[0]?.finish();
    await b;
    expect(uncached.answers.peek("m", "production")).toBeUndefined();
  });

  it("keeps its answers over appends that only record usage, evidence or bookkeeping, and drops them on any other", async () => {
    const t = setup({ watches: true });
    const first = t.answers.get("m", "production", ctx());
    await settle();
    t.builds[0]?.finish();
    const kept = await first;
    t.audit(new Set(["usage.report"]));
    t.audit(new Set(["usage.report", "canary.record", "shadow.record", "eval.record", "idle.raise", "webhook_target.create"]));
    expect(t.answers.peek("m", "production")).toBe(kept);
    // One action that may move a stage or an alias among them: dropped.
    t.audit(new Set(["usage.report", "alias.set"]));
    expect(t.answers.peek("m", "production")).toBeUndefined();
    // Another replica's append (its actions are not known): dropped.
    const again = t.answers.get("m", "production", ctx());
    await settle();
    t.builds[1]?.finish();
    const rebuilt = await again;
    expect(t.answers.peek("m", "production")).toBe(rebuilt);
    t.audit(undefined);
    expect(t.answers.peek("m", "production")).toBeUndefined();
  });
});
