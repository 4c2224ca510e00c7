/** Leader election on a real PostgreSQL (embedded): one leader at a time, hand-over on stop and on a lost connection. */
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createDatabase, uniqueDatabaseName } from "../../test/peers/postgres.js";
import { PostgresLeadership, SoleLeadership } from "./leadership.js";

const quiet = { info: () => undefined, warn: () => undefined };
const running: PostgresLeadership[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((l) => l.stop()));
});

/** Polls `check` until true, failing after `ms`: no fixed sleeps. */
async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function campaign(url: string, name: string, log: string[]): PostgresLeadership {
  const l = new PostgresLeadership({ url, logger: quiet, retryMs: 50, name });
  running.push(l);
  l.start((leading) => log.push(`${name}:${leading ? "lead" : "follow"}`));
  return l;
}

describe("PostgresLeadership", () => {
  it("lets exactly one replica lead and hands over when the leader stops", async () => {
    const url = await createDatabase(inject("postgresUrl"), uniqueDatabaseName("leader"));
    const log: string[] = [];
    const a = campaign(url, "a", log);
    const b = campaign(url, "b", log);
    await eventually(() => a.leading || b.leading);
    // Several more attempts of the follower pass without it taking the lock.
    await new Promise((r) => setTimeout(r, 300));
    expect([a.leading, b.leading].filter(Boolean)).toHaveLength(1);
    const [leader, follower] = a.leading ? [a, b] : [b, a];
    await leader.stop();
    await eventually(() => follower.leading);
    expect(leader.leading).toBe(false);
    expect(log.filter((e) => e.endsWith(":lead"))).toHaveLength(2);
  });

  it("steps down when its connection is killed, and another replica takes over", async () => {
    const url = await createDatabase(inject("postgresUrl"), uniqueDatabaseName("leader"));
    const log: string[] = [];
    const a = campaign(url, "a", log);
    await eventually(() => a.leading);
    const b = campaign(url, "b", log);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.leading).toBe(false);
    // What a crashed leader looks like to PostgreSQL: its session ends.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const killed = await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'a (leader election)'");
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    await eventually(() => b.leading);
    await eventually(() => log.includes("a:follow"));
    expect(a.leading).toBe(false);
    // Later, a can lead again only after b lets go.
    await new Promise((r) => setTimeout(r, 200));
    expect(a.leading).toBe(false);
  });
});

describe("SoleLeadership", () => {
  it("always leads its own database, and stops when told", async () => {
    const log: boolean[] = [];
    const l = new SoleLeadership();
    l.start((leading) => log.push(leading));
    expect(l.leading).toBe(true);
    await l.stop();
    expect(log).toEqual([true, false]);
  });
});
