/**
 * Google's own protos for the fake: `google/cloud/aiplatform/v1/model_service.proto` as shipped in
 * @google-cloud/aiplatform, with the shared google/api, google/longrunning, google/rpc protos that
 * google-gax ships (google/protobuf's well-known types come with proto-loader). Loaded once per
 * process; keys keep the proto's snake_case so handlers read like the proto.
 */
import { createRequire } from "node:module";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const require = createRequire(import.meta.url);

/** Proto folders: the aiplatform package's, google-gax's (resolved from aiplatform, whose dependency it is), ours. */
export function protoIncludeDirs(): string[] {
  const aiplatformPkg = require.resolve("@google-cloud/aiplatform/package.json");
  const gaxMain = createRequire(aiplatformPkg).resolve("google-gax");
  return [
    path.join(path.dirname(aiplatformPkg), "build/protos"),
    path.resolve(path.dirname(gaxMain), "../protos"),
    path.join(import.meta.dirname, "protos"),
  ];
}

export const MODEL_SERVICE = "google.cloud.aiplatform.v1.ModelService";
export const OPERATIONS_SERVICE = "google.longrunning.Operations";
const ANY_CODEC = "modelgate.fake.AnyCodec";

/** Messages the fake packs into google.protobuf.Any, by their full proto name. */
export const PACKABLE = {
  "google.cloud.aiplatform.v1.UploadModelResponse": "UploadModelResponse",
  "google.cloud.aiplatform.v1.UploadModelOperationMetadata": "UploadModelOperationMetadata",
  "google.cloud.aiplatform.v1.DeleteOperationMetadata": "DeleteOperationMetadata",
  "google.protobuf.Empty": "Empty",
} as const;
export type PackableType = keyof typeof PACKABLE;

export interface AnyMessage {
  type_url: string;
  value: Buffer;
}

export interface VertexProtos {
  modelService: grpc.ServiceDefinition;
  operations: grpc.ServiceDefinition;
  /** Packs a message of `type` into a google.protobuf.Any, as `type.googleapis.com/<type>`. */
  pack(type: PackableType, message: object): AnyMessage;
}

let loaded: VertexProtos | undefined;

export function vertexProtos(): VertexProtos {
  if (loaded) return loaded;
  const definition = protoLoader.loadSync(
    ["google/cloud/aiplatform/v1/model_service.proto", "google/longrunning/operations.proto", "modelgate/fake/any_codec.proto"],
    { includeDirs: protoIncludeDirs(), keepCase: true, longs: String, enums: String, defaults: true, oneofs: true },
  );
  const service = (name: string) => {
    const found = definition[name];
    if (!found || !isService(found)) throw new Error(`the loaded protos define no service ${name}`);
    return found;
  };
  const codec = service(ANY_CODEC);
  loaded = {
    modelService: service(MODEL_SERVICE),
    operations: service(OPERATIONS_SERVICE),
    pack(type, message) {
      const method = codec[PACKABLE[type]];
      if (!method) throw new Error(`no encoder for ${type}`);
      return { type_url: `type.googleapis.com/${type}`, value: method.requestSerialize(message) };
    },
  };
  return loaded;
}

function isService(value: unknown): value is grpc.ServiceDefinition {
  if (typeof value !== "object" || value === null || "format" in value) return false;
  return Object.values(value).every((m) => typeof (m as { requestSerialize?: unknown }).requestSerialize === "function");
}
