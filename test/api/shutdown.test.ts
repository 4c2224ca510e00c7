import { describe, expect, it } from "vitest";
import { faultFactories, type FaultSwitch } from "../support/fault-adapter.js";
import { startTestGateway } from "../support/test-gateway.js";

describe("graceful shutdown", () => {
  it("finishes an in-flight write and records it before closing the store", async () => {
    // The write is in flight for as long as the test says: it has reached the backend when the
    // shutdown begins, and ends only after (no sleep that assumes how fast either happens).
    let started!: () => void;
    const writeStarted = new Promise<void>((resolve) => (started = resolve));
    let finishWrite!: () => void;
    const control: FaultSwitch = { mode: "none", models: [], onWriteStarted: () => started(), writeHeld: new Promise<void>((resolve) => (finishWrite = resolve)) };
    const gw = await startTestGateway({
      factories: faultFactories(control),
      fileStore: true,
      config: { backends: [{ id: "slow", kind: "fault" }] },
    });
    const inFlight = gw.gql<{ modelVersionRegister: { modelVersion: { version: string }; userErrors: unknown[] } }>(
      'mutation { modelVersionRegister(input: { backend: "slow", model: "m", artifactUri: "s3://b/m" }) { modelVersion { version } userErrors { code } } }',
    );
    await writeStarted;
    let closed = false;
    const closing = gw.server.close().then(() => {
      closed = true;
    });
    // New connections are refused as soon as the shutdown begins, while the write still runs.
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
    expect(closed).toBe(false);
    finishWrite();

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.data?.modelVersionRegister).toEqual({ modelVersion: { version: "1" }, userErrors: [] });
    await closing;
    expect(closed).toBe(true);

    // The store closed after the write's audit event was appended: reopen the file and look.
    const { openSqliteStore } = await import("../../src/store/sqlite-store.js");
    const reopened = await openSqliteStore({ file: `${gw.dir}/modelgate.db` });
    const page = await reopened.listAudit({ first: 10 });
    expect(page.items.map((e) => [e.action, e.outcome])).toEqual([["model_version.register", "SUCCESS"]]);
    await reopened.close();

    // New connections are still refused once closed.
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
    await gw.stop();
  });
});
