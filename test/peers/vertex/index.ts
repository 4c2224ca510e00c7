/** The in-process Vertex AI Model Registry fake (gRPC, Google's protos) and its helpers for tests. */
export { startVertexFake, type CallHook, type VertexFake, type VertexFakeOptions } from "./server.js";
export { RpcError } from "./rpc-error.js";
