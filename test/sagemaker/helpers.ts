/**
 * Shared by the SageMaker adapter's tests: adapters on the shared moto server (test/peers), call
 * contexts, unique names, and counting the SDK requests an adapter sends.
 *
 * Test files share one moto server and keep apart by region (each region is a separate registry in
 * moto) and by name prefixes, never by resetting it.
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { sagemakerAdapter, type SageMakerAdapter } from "../../adapters/sagemaker/index.js";
import { createCallContext, type AdapterLogger, type CallContext } from "../../src/core/index.js";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";

// The SDK warns once per process that its 2027 releases need Node 22: true, and noise in test output.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

export const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Static credentials moto accepts (any do). */
export const TEST_CREDENTIALS = { accessKeyId: "AKIDMODELGATETEST", secretAccessKey: "moto-secret-not-real" };

export function sharedMotoUrl(): string {
  return inject("motoUrl");
}

export interface MotoAdapterOptions {
  id?: string;
  logger?: AdapterLogger;
}

/** An adapter on the shared moto server; `extra` is more (or overriding) config. */
export async function motoAdapter(region: string, extra: Record<string, unknown> = {}, opts: MotoAdapterOptions = {}): Promise<SageMakerAdapter> {
  const config = sagemakerAdapter.configSchema.parse({ region, endpoint: sharedMotoUrl(), credentials: { ...TEST_CREDENTIALS }, ...extra });
  const adapter = await sagemakerAdapter.create(opts.id ?? `sm-${region}`, config, {
    logger: opts.logger ?? silentLogger,
    dataDir: "/nonexistent",
    configDir: process.cwd(),
  });
  return adapter as SageMakerAdapter;
}

export function ctx(timeoutMs = 20_000): CallContext {
  return createCallContext({ timeoutMs, actor: { id: "sagemaker-tester", roles: ["admin"] } });
}

/** A name prefix of this test file's run: group names are letters, digits and '-'. */
export function uniquePrefix(tag: string): string {
  return `${tag}${randomBytes(3).toString("hex")}`;
}

export interface CallCounter {
  /** Operation names sent, in order (retries by the SDK included). */
  readonly calls: string[];
  /** The inputs sent, in the same order. */
  readonly inputs: Record<string, unknown>[];
  count(operation: string): number;
  reset(): void;
}

/** Counts every request the adapter's SDK client sends (instrumentation: requests still go to moto). */
export function countCalls(adapter: SageMakerAdapter): CallCounter {
  const calls: string[] = [];
  const inputs: Record<string, unknown>[] = [];
  adapter.api.client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName).replace(/Command$/, ""));
      inputs.push({ ...(args.input as Record<string, unknown>) });
      return next(args);
    },
    { step: "finalizeRequest", name: `countCalls-${randomBytes(2).toString("hex")}` },
  );
  return {
    calls,
    inputs,
    count: (operation) => calls.filter((c) => c === operation).length,
    reset: () => {
      calls.length = 0;
      inputs.length = 0;
    },
  };
}

/** A plain SDK client on moto, to look at (or change) what the adapter wrote, as SageMaker has it. */
export function rawClient(region: string): SageMakerClient {
  return new SageMakerClient({ region, endpoint: sharedMotoUrl(), credentials: { ...TEST_CREDENTIALS }, maxAttempts: 1 });
}

/** The ARN moto and SageMaker give version `n` of a group (group name in lower case). */
export function packageArn(region: string, group: string, n: number): string {
  return `arn:aws:sagemaker:${region}:123456789012:model-package/${group.toLowerCase()}/${n}`;
}
