/**
 * /readyz over real HTTP: anonymous callers learn only whether the gateway is ready; admins see
 * what was checked; and a burst of probes makes one round of backend health calls (cached for
 * server.readinessCacheMs), counted at the adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdapterFactory, RegistryAdapter } from "../../src/core/index.js";
import { BUILT_IN_ADAPTERS, type FactoryMap } from "../../src/app/adapter-registry.js";
import { sha256Hex } from "../../src/http/auth.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

const ADMIN = "admin-token-0123456789";
const VIEWER = "viewer-token-0123456789";

/** The built-in adapters, their health calls counted. */
function countingHealth(counter: { calls: number }): FactoryMap {
  const out = new Map<string, AdapterFactory<unknown>>();
  for (const [kind, factory] of BUILT_IN_ADAPTERS) {
    out.set(kind, {
      ...factory,
      async create(id, config, ctx) {
        const adapter = await factory.create(id, config, ctx);
        const wrapper = Object.create(adapter) as RegistryAdapter;
        wrapper.health = (call) => {
          counter.calls += 1;
          return adapter.health(call);
        };
        return wrapper;
      },
    });
  }
  return out;
}

const counter = { calls: 0 };
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    factories: countingHealth(counter),
    config: {
      // Long enough that the whole file runs inside one TTL.
      server: { readinessCacheMs: 300_000 },
      auth: {
        tokens: [
          { subject: "ops", sha256: sha256Hex(ADMIN), roles: ["admin"] },
          { subject: "dashboard", sha256: sha256Hex(VIEWER), roles: ["viewer"] },
        ],
      },
    },
  });
});
afterAll(async () => {
  await gw?.stop();
});

const readyz = (headers: Record<string, string> = {}, query = "") => fetch(`${gw.url}/readyz${query}`, { headers });

describe("GET /readyz", () => {
  it("tells an anonymous caller only whether the gateway is ready: no paths, backends, store or leader", async () => {
    const res = await readyz();
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ ready: true });
    expect(text).not.toContain(gw.dir);
  });

  it("gives an invalid token and a viewer the same short answer", async () => {
    expect(await (await readyz({ authorization: "Bearer not-a-token" })).json()).toEqual({ ready: true });
    expect(await (await readyz({ authorization: `Bearer ${VIEWER}` })).json()).toEqual({ ready: true });
  });

  it("shows an admin the store, the leader flag, when it was checked and every backend", async () => {
    const res = await readyz({ authorization: `Bearer ${ADMIN}` });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ready: true, draining: false, store: "UP", leader: true, backends: [{ id: "example", kind: "git-yaml", state: "UP", circuit: "CLOSED" }] });
    expect(new Date(String(body.checkedAt)).getTime()).not.toBeNaN();
  });

  it("makes one round of backend health calls for many probes within the TTL, sequential or concurrent", async () => {
    for (let i = 0; i < 10; i++) await (await readyz()).arrayBuffer();
    await Promise.all(Array.from({ length: 20 }, async () => (await readyz({ authorization: `Bearer ${ADMIN}` }, "?strict=true")).arrayBuffer()));
    expect(counter.calls).toBe(1);
  });
});
