/**
 * An insecure (fake) backend must not start Google credential discovery: no key-file lookup, no
 * gcloud config, no metadata-server probe. The metadata server is pointed at a local listener that
 * counts connections; a client left to discover credentials (the control) reaches it, the adapter's
 * client does not.
 */
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { credentials } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctx, startFakeAdapter, type FakeHarness } from "../../test/vertex/harness.js";
import { ModelServiceClient } from "./client.js";

const ENV_KEYS = ["HOME", "CLOUDSDK_CONFIG", "GOOGLE_APPLICATION_CREDENTIALS", "GCE_METADATA_HOST", "GCE_METADATA_IP", "METADATA_SERVER_DETECTION"] as const;

let metadataServer: net.Server;
let connections = 0;
let home: string;
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

beforeAll(async () => {
  metadataServer = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => metadataServer.listen(0, "127.0.0.1", resolve));
  const { port } = metadataServer.address() as net.AddressInfo;
  home = await mkdtemp(path.join(os.tmpdir(), "modelgate-vertex-home-"));
  for (const key of ENV_KEYS) {
    const value = process.env[key];
    if (value !== undefined) savedEnv[key] = value;
    delete process.env[key];
  }
  // No key file, no gcloud config, and the metadata server is the counting listener.
  process.env["HOME"] = home;
  process.env["CLOUDSDK_CONFIG"] = path.join(home, "gcloud");
  process.env["GCE_METADATA_HOST"] = `127.0.0.1:${port}`;
  process.env["GCE_METADATA_IP"] = `127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  await new Promise<void>((resolve) => metadataServer.close(() => resolve()));
  await rm(home, { recursive: true, force: true });
});

describe("an insecure backend", () => {
  let h: FakeHarness;

  beforeAll(async () => {
    h = await startFakeAdapter();
  });
  afterAll(() => h.close());

  it("serves reads and writes without any credential lookup", async () => {
    await h.adapter.registerVersion({ modelName: "churn" }, ctx());
    await h.adapter.setStage("churn", "1", "STAGING", ctx());
    expect((await h.adapter.listModels({ first: 10 }, ctx())).items.map((m) => m.name)).toEqual(["churn"]);
    expect((await h.adapter.health(ctx())).state).toBe("UP");
    // The metadata server was never asked (discovery would probe it first): no lookup ran.
    expect(connections).toBe(0);
  });

  it("(control) while a client left to discover credentials probes the metadata server", async () => {
    const client = new ModelServiceClient({ apiEndpoint: h.fake.host, port: h.fake.port, sslCreds: credentials.createInsecure() });
    try {
      await client.getModel({ name: "projects/p/locations/l/models/m" }).catch(() => undefined);
    } finally {
      await client.close();
    }
    expect(connections).toBeGreaterThan(0);
  });
});
