/**
 * The Vertex AI Model Registry fake: a gRPC server (@grpc/grpc-js) serving Google's own
 * `google.cloud.aiplatform.v1.ModelService` and `google.longrunning.Operations` definitions, in
 * process, state in memory. Methods it does not implement answer UNIMPLEMENTED (grpc-js's default
 * for a method without a handler). Tests can make the next calls of a method fail or run a hook
 * first (to change state between a client's read and its write).
 *
 *   const fake = await startVertexFake();
 *   // client: apiEndpoint "127.0.0.1", port fake.port, sslCreds grpc.credentials.createInsecure()
 *   await fake.stop();
 */
import * as grpc from "@grpc/grpc-js";
import { FakeEvaluations } from "./evaluations.js";
import type { GetOperationRequest } from "./messages.js";
import { Operations } from "./operations.js";
import { vertexProtos } from "./protos.js";
import { FakeModelRegistry } from "./registry.js";
import { RpcError, toServiceError } from "./rpc-error.js";
import { Clock } from "./state.js";

export interface VertexFakeOptions {
  /** GetOperation polls before an UploadModel operation completes (default 0: answered done). */
  uploadPolls?: number;
}

export type CallHook = (request: unknown) => void | Promise<void>;

export interface VertexFake {
  /** "127.0.0.1:PORT" */
  endpoint: string;
  host: string;
  port: number;
  stop(): Promise<void>;
  /** Forgets every model, operation, hook and count. */
  reset(): void;
  setUploadPolls(polls: number): void;
  /** Runs `hook` before each of the next `times` calls of `method` (e.g. "UpdateModel"); a hook that throws answers with that error. */
  before(method: string, hook: CallHook, times?: number): void;
  /** Answers the next `times` calls of `method` with `code`. */
  fail(method: string, code: grpc.status, times?: number, message?: string): void;
  /** Calls received per method name since the last reset. */
  calls(method: string): number;
}

type Handler = (request: never) => Record<string, unknown>;

export async function startVertexFake(options: VertexFakeOptions = {}): Promise<VertexFake> {
  const protos = vertexProtos();
  const clock = new Clock();
  const operations = new Operations(protos, clock);
  const registry = new FakeModelRegistry(clock, operations, { uploadPolls: options.uploadPolls ?? 0 });
  const evaluations = new FakeEvaluations(registry, clock);
  const hooks = new Map<string, { hook: CallHook; left: number }[]>();
  const counts = new Map<string, number>();

  function serve(method: string, handle: Handler): grpc.handleUnaryCall<unknown, unknown> {
    return (call, callback) => {
      counts.set(method, (counts.get(method) ?? 0) + 1);
      void (async () => {
        const pending = hooks.get(method) ?? [];
        const next = pending[0];
        if (next) {
          if (--next.left <= 0) pending.shift();
          await next.hook(call.request);
        }
        return handle(call.request as never);
      })().then(
        (response) => callback(null, response),
        (err: unknown) => callback(toServiceError(err)),
      );
    };
  }

  const modelService: grpc.UntypedServiceImplementation = {
    UploadModel: serve("UploadModel", (r) => registry.uploadModel(r)),
    GetModel: serve("GetModel", (r) => registry.getModel(r)),
    ListModels: serve("ListModels", (r) => registry.listModels(r)),
    ListModelVersions: serve("ListModelVersions", (r) => registry.listModelVersions(r)),
    UpdateModel: serve("UpdateModel", (r) => registry.updateModel(r)),
    MergeVersionAliases: serve("MergeVersionAliases", (r) => registry.mergeVersionAliases(r)),
    DeleteModel: serve("DeleteModel", (r) => registry.deleteModel(r)),
    DeleteModelVersion: serve("DeleteModelVersion", (r) => registry.deleteModelVersion(r)),
    ImportModelEvaluation: serve("ImportModelEvaluation", (r) => evaluations.importModelEvaluation(r)),
    GetModelEvaluation: serve("GetModelEvaluation", (r) => evaluations.getModelEvaluation(r)),
    ListModelEvaluations: serve("ListModelEvaluations", (r) => evaluations.listModelEvaluations(r)),
  };
  const operationsService: grpc.UntypedServiceImplementation = {
    GetOperation: serve("GetOperation", (r: GetOperationRequest) => operations.get(r.name)),
  };

  const server = new grpc.Server();
  server.addService(protos.modelService, modelService);
  server.addService(protos.operations, operationsService);
  const host = "127.0.0.1";
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:0`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });

  function before(method: string, hook: CallHook, times = 1): void {
    const list = hooks.get(method) ?? [];
    list.push({ hook, left: times });
    hooks.set(method, list);
  }

  return {
    endpoint: `${host}:${port}`,
    host,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        // Calls still open after a second (a client that never ends its call) are cut.
        const force = setTimeout(() => server.forceShutdown(), 1_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
    reset() {
      registry.reset();
      hooks.clear();
      counts.clear();
      registry.options.uploadPolls = options.uploadPolls ?? 0;
    },
    setUploadPolls(polls) {
      registry.options.uploadPolls = polls;
    },
    before,
    fail(method, code, times = 1, message = `injected ${grpc.status[code]} failure`) {
      before(
        method,
        () => {
          throw new RpcError(code, message);
        },
        times,
      );
    },
    calls: (method) => counts.get(method) ?? 0,
  };
}
