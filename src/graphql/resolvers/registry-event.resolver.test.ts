import { parse, subscribe, type ExecutionResult } from "graphql";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventFeed } from "../../events/event-feed.js";
import { openSqliteStore, type SqliteStore } from "../../store/sqlite-store.js";
import type { AuditEventInput } from "../../store/store.js";
import type { GatewayContext } from "../context.js";
import { toGlobalId } from "../global-id.js";
import { buildGatewaySchema } from "../schema.js";
import type { SubscriptionContext } from "./registry-event.resolver.js";

let store: SqliteStore;
let feed: EventFeed;

beforeEach(async () => {
  store = await openSqliteStore({ file: ":memory:" });
  feed = new EventFeed(store, { pollIntervalMs: 3_600_000, bufferLimit: 2 });
  await feed.start();
});

afterEach(async () => {
  await feed.stop();
  await store.close();
});

const alias = (modelName: string): AuditEventInput => ({
  actor: "alice",
  action: "alias.set",
  targetType: "alias",
  target: `example/${modelName}#champion`,
  backendId: "example",
  modelName,
  after: { alias: "champion", version: "3" },
  outcome: "SUCCESS",
});

/** Only what the subscription reads of the context; the rest of a request's context is not used. */
function context(roles: string[], withEvents = true): SubscriptionContext {
  return { actor: { id: "tester", roles }, ...(withEvents ? { events: feed } : {}) } as unknown as SubscriptionContext;
}

type Results = AsyncIterableIterator<ExecutionResult<{ registryEvents: Record<string, unknown> }>>;

async function run(ctx: GatewayContext, query: string, variables: Record<string, unknown> = {}): Promise<Results | ExecutionResult> {
  return (await subscribe({ schema: await buildGatewaySchema(), document: parse(query), contextValue: ctx, variableValues: variables })) as Results | ExecutionResult;
}

function isStream(result: Results | ExecutionResult): result is Results {
  return Symbol.asyncIterator in result;
}

const QUERY = "subscription($filter: RegistryEventFilter, $afterSeq: Int) { registryEvents(filter: $filter, afterSeq: $afterSeq) { id seq type action modelName after } }";

describe("registryEvents resolver", () => {
  it("maps feed events to RegistryEvent results, with the audit event's node id", async () => {
    const appended = await store.appendAudit(alias("m"));
    const result = await run(context(["viewer"]), QUERY, { afterSeq: 0, filter: { types: ["ALIAS_CHANGED"], model: "m" } });
    if (!isStream(result)) throw new Error(JSON.stringify(result.errors));
    const first = await result.next();
    expect(first.value).toEqual({
      data: {
        registryEvents: {
          id: toGlobalId("AuditEvent", appended.id),
          seq: 1,
          type: "ALIAS_CHANGED",
          action: "alias.set",
          modelName: "m",
          after: { alias: "champion", version: "3" },
        },
      },
    });
    await result.return?.();
  });

  it("ends a subscriber that falls behind with SUBSCRIBER_TOO_SLOW and the seq to resume after", async () => {
    const result = await run(context(["viewer"]), QUERY);
    if (!isStream(result)) throw new Error(JSON.stringify(result.errors));
    for (const m of ["a", "b", "c"]) await store.appendAudit(alias(m));
    await feed.wake();
    await expect(result.next()).rejects.toMatchObject({ extensions: { code: "SUBSCRIBER_TOO_SLOW", lastSeq: 0 } });
  });

  it("unsubscribes at once when the client completes, even while waiting for an event", async () => {
    const result = await run(context(["viewer"]), QUERY);
    if (!isStream(result)) throw new Error(JSON.stringify(result.errors));
    const pending = result.next();
    expect(feed.subscriberCount).toBe(1);
    await result.return?.();
    expect(feed.subscriberCount).toBe(0);
    expect((await pending).done).toBe(true);
  });

  it("needs a role, a WebSocket and a valid afterSeq", async () => {
    const forbidden = await run(context([]), QUERY);
    expect(isStream(forbidden) ? undefined : forbidden.errors?.[0]?.originalError?.name).toBe("ForbiddenError");
    const overHttp = await run(context(["viewer"], false), QUERY);
    expect(isStream(overHttp) ? undefined : overHttp.errors?.[0]?.originalError?.name).toBe("UnsupportedError");
    const negative = await run(context(["viewer"]), QUERY, { afterSeq: -5 });
    expect(isStream(negative) ? undefined : negative.errors?.[0]?.message).toBe("afterSeq must be at least 0, got -5");
    expect(feed.subscriberCount).toBe(0);
  });
});
