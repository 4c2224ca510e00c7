/**
 * The ModelService calls this adapter makes, each bound to a CallContext: the remaining time is
 * the call's gax `timeout`, an abort of `ctx.signal` cancels the gRPC call, and every failure is a
 * typed error (./errors.ts). Calls go through the client's `innerApiCalls`, the cancellable calls
 * under its public methods (which return plain promises); the routing header those methods add is
 * added here the same way. Pages are requested one at a time (autoPaginate off).
 *
 * UploadModel is long-running: the operation is awaited (polled with GetOperation unless already
 * done) within the call's deadline; running out of time then says the upload may still complete.
 */
import querystring from "node:querystring";
import type { protos } from "@google-cloud/aiplatform";
import { callEnded, deadlineError, exponentialDelay, isRegistryError, remainingMs, type CallContext } from "../../src/core/index.js";
import type { ModelServiceClient } from "./client.js";
import { toRegistryError } from "./errors.js";

export type IModel = protos.google.cloud.aiplatform.v1.IModel;
export type IModelEvaluation = protos.google.cloud.aiplatform.v1.IModelEvaluation;
export type IUploadModelRequest = protos.google.cloud.aiplatform.v1.IUploadModelRequest;
export type IUploadModelResponse = protos.google.cloud.aiplatform.v1.IUploadModelResponse;
export type IListModelsRequest = protos.google.cloud.aiplatform.v1.IListModelsRequest;
export type IListModelVersionsRequest = protos.google.cloud.aiplatform.v1.IListModelVersionsRequest;
export type IUpdateModelRequest = protos.google.cloud.aiplatform.v1.IUpdateModelRequest;
export type IListModelEvaluationsRequest = protos.google.cloud.aiplatform.v1.IListModelEvaluationsRequest;

export interface ListPage<T> {
  items: T[];
  /** Absent on the last page. */
  nextPageToken?: string;
}

/** google-gax's cancellable call promise. */
interface CancellablePromise<T> extends Promise<T> {
  cancel(): void;
}

type InnerCall = (request: object, options: object) => CancellablePromise<unknown[]>;

/** google-gax's Operation, as far as this adapter reads it. */
interface GaxOperation {
  name?: string;
  done?: boolean;
  error?: unknown;
  result?: unknown;
  currentCallPromise_?: { cancel(): void };
  getOperation(): Promise<[unknown, unknown, { done?: boolean | null }]>;
}

/** Delay between GetOperation polls of a running upload: doubles from 250 ms up to 5 s. */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 5_000;

export class VertexRpc {
  private initialized: Promise<unknown> | undefined;

  constructor(
    private readonly client: ModelServiceClient,
    readonly backend: string,
  ) {}

  async getModel(name: string, ctx: CallContext): Promise<IModel> {
    const [model] = await this.invoke<[IModel]>("getModel", { name }, { name }, ctx, `GetModel ${name}`);
    return model;
  }

  async listModels(request: IListModelsRequest, ctx: CallContext): Promise<ListPage<IModel>> {
    const parent = request.parent ?? "";
    const result = await this.invoke<[IModel[], unknown, { nextPageToken?: string | null }]>(
      "listModels",
      request,
      { parent },
      ctx,
      `ListModels ${parent}${request.filter ? ` (filter ${request.filter})` : ""}`,
    );
    return page(result[0], result[2]?.nextPageToken);
  }

  async listModelVersions(request: IListModelVersionsRequest, ctx: CallContext): Promise<ListPage<IModel>> {
    const name = request.name ?? "";
    const result = await this.invoke<[IModel[], unknown, { nextPageToken?: string | null }]>(
      "listModelVersions",
      request,
      { name },
      ctx,
      `ListModelVersions ${name}${request.filter ? ` (filter ${request.filter})` : ""}`,
    );
    return page(result[0], result[2]?.nextPageToken);
  }

  async listModelEvaluations(request: IListModelEvaluationsRequest, ctx: CallContext): Promise<ListPage<IModelEvaluation>> {
    const parent = request.parent ?? "";
    const result = await this.invoke<[IModelEvaluation[], unknown, { nextPageToken?: string | null }]>(
      "listModelEvaluations",
      request,
      { parent },
      ctx,
      `ListModelEvaluations ${parent}`,
    );
    return page(result[0], result[2]?.nextPageToken);
  }

  async updateModel(request: IUpdateModelRequest, ctx: CallContext): Promise<IModel> {
    const name = request.model?.name ?? "";
    const [model] = await this.invoke<[IModel]>("updateModel", request, { "model.name": name }, ctx, `UpdateModel ${name}`);
    return model;
  }

  async mergeVersionAliases(name: string, versionAliases: string[], ctx: CallContext): Promise<IModel> {
    const [model] = await this.invoke<[IModel]>(
      "mergeVersionAliases",
      { name, versionAliases },
      { name },
      ctx,
      `MergeVersionAliases ${name} [${versionAliases.join(", ")}]`,
    );
    return model;
  }

  /** Uploads and awaits the operation; the response names the model and the new version id. */
  async uploadModel(request: IUploadModelRequest, ctx: CallContext): Promise<IUploadModelResponse> {
    const what = `UploadModel ${request.parentModel || `${request.parent}/models/${request.modelId ?? "(new)"}`}`;
    let operation: GaxOperation;
    try {
      [operation] = await this.invoke<[GaxOperation]>("uploadModel", request, { parent: request.parent ?? "" }, ctx, what);
    } catch (err) {
      // Out of time after sending: Vertex AI may have accepted the upload.
      throw isRegistryError(err) ? this.unsettled(err, what) : err;
    }
    return (await this.awaitOperation(operation, ctx, what)) as IUploadModelResponse;
  }

  /** DeleteModelVersion ("projects/../models/ID@VERSION"), awaiting its operation. */
  async deleteModelVersion(name: string, ctx: CallContext): Promise<void> {
    const what = `DeleteModelVersion ${name}`;
    const [operation] = await this.invoke<[GaxOperation]>("deleteModelVersion", { name }, { name }, ctx, what);
    await this.awaitOperation(operation, ctx, what);
  }

  /** DeleteModel (the model and its only version), awaiting its operation. */
  async deleteModel(name: string, ctx: CallContext): Promise<void> {
    const what = `DeleteModel ${name}`;
    const [operation] = await this.invoke<[GaxOperation]>("deleteModel", { name }, { name }, ctx, what);
    await this.awaitOperation(operation, ctx, what);
  }

  private async awaitOperation(op: GaxOperation, ctx: CallContext, what: string): Promise<unknown> {
    const label = `${what} (operation ${op.name ?? "unnamed"})`;
    for (let poll = 1; ; poll++) {
      if (op.done) {
        if (op.error) throw toRegistryError(op.error, ctx, this.backend, label);
        return op.result;
      }
      await this.pause(exponentialDelay(poll, { initialDelay: FIRST_POLL_MS, maxDelay: MAX_POLL_MS }), ctx, label);
      const cancel = () => op.currentCallPromise_?.cancel();
      ctx.signal.addEventListener("abort", cancel, { once: true });
      try {
        const [result, , latest] = await op.getOperation();
        if (latest?.done) return result;
      } catch (err) {
        throw this.unsettled(toRegistryError(err, ctx, this.backend, `${label}: GetOperation`), label);
      } finally {
        ctx.signal.removeEventListener("abort", cancel);
      }
    }
  }

  /** A deadline that passes while an upload runs leaves the upload running: say so. */
  private unsettled<E extends Error & { code?: string }>(err: E, label: string): E {
    if (err.code === "DEADLINE_EXCEEDED") err.message = `${err.message}; ${label} may still complete in Vertex AI`;
    return err;
  }

  private async pause(ms: number, ctx: CallContext, label: string): Promise<void> {
    if (remainingMs(ctx) <= ms || callEnded(ctx)) throw this.unsettled(deadlineError(ctx, this.backend, `waiting for ${label}`), label);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        ctx.signal.removeEventListener("abort", done);
        resolve();
      }
      ctx.signal.addEventListener("abort", done, { once: true });
    });
    if (callEnded(ctx)) throw this.unsettled(deadlineError(ctx, this.backend, `waiting for ${label}`), label);
  }

  private async invoke<R extends unknown[]>(method: string, request: object, routing: Record<string, string>, ctx: CallContext, what: string): Promise<R> {
    if (callEnded(ctx)) throw deadlineError(ctx, this.backend, `Vertex AI call ${what}`);
    await this.ready(ctx, what);
    const fn = this.client.innerApiCalls[method] as InnerCall | undefined;
    if (!fn) throw new Error(`the Vertex AI client has no method ${method}`);
    const call = fn(request, {
      timeout: Math.max(1, remainingMs(ctx)),
      autoPaginate: false,
      otherArgs: { headers: { "x-goog-request-params": querystring.stringify(routing) } },
    });
    const cancel = () => call.cancel();
    ctx.signal.addEventListener("abort", cancel, { once: true });
    try {
      return (await call) as R;
    } catch (err) {
      throw toRegistryError(err, ctx, this.backend, what);
    } finally {
      ctx.signal.removeEventListener("abort", cancel);
    }
  }

  /** The client's stub (and, outside tests, its credentials) are set up on the first call, within that call's deadline. */
  private async ready(ctx: CallContext, what: string): Promise<void> {
    this.initialized ??= this.client.initialize();
    const pending = this.initialized;
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(deadlineError(ctx, this.backend, `connecting to Vertex AI for ${what}`));
        if (ctx.signal.aborted) return onAbort();
        ctx.signal.addEventListener("abort", onAbort, { once: true });
        pending.then(
          () => {
            ctx.signal.removeEventListener("abort", onAbort);
            resolve();
          },
          (err: unknown) => {
            ctx.signal.removeEventListener("abort", onAbort);
            reject(err);
          },
        );
      });
    } catch (err) {
      // Out of time: the setup goes on for the next call.
      if (isRegistryError(err)) throw err;
      // A failed setup (unreadable key file, no credentials found) is tried again by the next call.
      if (this.initialized === pending) this.initialized = undefined;
      throw toRegistryError(err, ctx, this.backend, `connecting to Vertex AI for ${what}`);
    }
  }
}

function page<T>(items: T[] | null | undefined, token: string | null | undefined): ListPage<T> {
  return { items: items ?? [], ...(token ? { nextPageToken: token } : {}) };
}
