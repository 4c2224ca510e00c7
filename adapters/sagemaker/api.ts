/**
 * The SageMaker API client of one backend: AWS SDK v3 with few retries of its own (the gateway
 * retries reads and breaks the circuit), every request bounded in concurrency, aborted with the
 * call's signal and failing as a typed error.
 */
import { SageMakerClient, type SageMakerClientConfig } from "@aws-sdk/client-sagemaker";
import type { CallContext } from "../../src/core/index.js";
import type { SageMakerConfig } from "./config.js";
import type { BackendIdentity } from "./identity.js";
import { toRegistryError, type CallLabel, type ErrorScope } from "./errors.js";
import { Semaphore, deadlineError, ensureCallActive } from "../../src/core/index.js";

/** SDK attempts per request (first included): one quick retry of throttling and 5xx. */
export const SDK_MAX_ATTEMPTS = 2;
/** Requests one backend has in flight at once. */
export const MAX_IN_FLIGHT = 8;
const CONNECT_TIMEOUT_MS = 5_000;

export interface SendOptions {
  abortSignal: AbortSignal;
}

export class SageMakerApi {
  /** The SDK client (its middlewareStack takes instrumentation: tests count requests with it). */
  readonly client: SageMakerClient;
  readonly scope: ErrorScope;
  readonly limiter = new Semaphore(MAX_IN_FLIGHT);

  constructor(backend: string, config: SageMakerConfig, identity: BackendIdentity) {
    const clientConfig: SageMakerClientConfig = {
      region: config.region,
      maxAttempts: SDK_MAX_ATTEMPTS,
      retryMode: "standard",
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS },
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      ...(config.credentials === undefined
        ? {}
        : {
            credentials: {
              accessKeyId: config.credentials.accessKeyId,
              secretAccessKey: config.credentials.secretAccessKey,
              ...(config.credentials.sessionToken === undefined ? {} : { sessionToken: config.credentials.sessionToken }),
            },
          }),
    };
    this.client = new SageMakerClient(clientConfig);
    const secrets = [config.credentials?.secretAccessKey, config.credentials?.sessionToken].filter((s): s is string => s !== undefined);
    this.scope = {
      backend,
      // Named with the account as soon as it is known.
      get service() {
        return identity.describe();
      },
      secrets,
    };
  }

  /**
   * Runs one SDK request: `request` gets the options to pass to `client.send` (the call's abort
   * signal). Fails with DEADLINE_EXCEEDED before sending when the call may not go on.
   */
  async send<T>(ctx: CallContext, label: CallLabel, request: (options: SendOptions) => Promise<T>): Promise<T> {
    const doing = `${this.scope.service} call ${label.operation}`;
    ensureCallActive(ctx, this.scope.backend, doing);
    return this.limiter.run(
      async () => {
        ensureCallActive(ctx, this.scope.backend, doing);
        try {
          return await request({ abortSignal: ctx.signal });
        } catch (err) {
          throw toRegistryError(err, ctx, this.scope, label);
        }
      },
      ctx.signal,
      () => deadlineError(ctx, this.scope.backend, doing),
    );
  }

  close(): void {
    this.client.destroy();
  }
}
