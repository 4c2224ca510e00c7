/** A Vertex AI adapter over a fresh in-process fake, for tests. */
import { createCallContext, type AdapterLogger, type CallContext } from "../../src/core/index.js";
import { VertexAdapter, vertexAdapter } from "../../adapters/vertex/index.js";
import { startVertexFake, type VertexFake, type VertexFakeOptions } from "../peers/vertex/index.js";

export const PROJECT = "modelgate-test";
export const LOCATION = "europe-west4";
export const PARENT = `projects/${PROJECT}/locations/${LOCATION}`;

export const silentLogger: AdapterLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger that keeps what it was given, for asserting warnings. */
export function recordingLogger(): AdapterLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { debug() {}, info() {}, warn: (_obj, msg) => void warnings.push(msg ?? ""), error() {}, warnings };
}

/** The backends[] block of a vertex backend pointed at `fake`. */
export function fakeBackendConfig(fake: VertexFake, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { project: PROJECT, location: LOCATION, apiEndpoint: fake.endpoint, insecure: true, ...extra };
}

export async function createFakeAdapter(
  fake: VertexFake,
  opts: { id?: string; config?: Record<string, unknown>; logger?: AdapterLogger } = {},
): Promise<VertexAdapter> {
  const config = vertexAdapter.configSchema.parse(fakeBackendConfig(fake, opts.config));
  return (await vertexAdapter.create(opts.id ?? "vertex-test", config, {
    logger: opts.logger ?? silentLogger,
    dataDir: "/nonexistent",
    configDir: process.cwd(),
  })) as VertexAdapter;
}

export interface FakeHarness {
  fake: VertexFake;
  adapter: VertexAdapter;
  close(): Promise<void>;
}

export async function startFakeAdapter(options: VertexFakeOptions & { config?: Record<string, unknown>; logger?: AdapterLogger } = {}): Promise<FakeHarness> {
  const fake = await startVertexFake(options);
  const adapter = await createFakeAdapter(fake, { ...(options.config ? { config: options.config } : {}), ...(options.logger ? { logger: options.logger } : {}) });
  return {
    fake,
    adapter,
    async close() {
      await adapter.close();
      await fake.stop();
    },
  };
}

export function ctx(timeoutMs = 10_000): CallContext {
  return createCallContext({ timeoutMs, actor: { id: "vertex-tester", roles: ["admin"] } });
}

/** `projects/…/locations/…/models/{id}[@at]` in the harness's project and location. */
export function modelPath(id: string, at?: string): string {
  return `${PARENT}/models/${id}${at === undefined ? "" : `@${at}`}`;
}

/** The typed error code of a rejected call; fails the test when the call succeeds. */
export async function codeOf(call: Promise<unknown>): Promise<{ code: string; message: string; backend?: string; field?: string }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: unknown; message: string; backend?: string; field?: string };
    if (typeof e.code !== "string") throw new Error(`expected a typed RegistryError, got ${String(err)}`);
    return { code: e.code, message: e.message, ...(e.backend ? { backend: e.backend } : {}), ...(e.field ? { field: e.field } : {}) };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
