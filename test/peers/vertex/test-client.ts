/**
 * For the fake's own tests: Google's real Node client (@google-cloud/aiplatform ModelServiceClient)
 * pointed at the fake, so every test goes through the wire format a production client uses.
 */
import { credentials } from "@grpc/grpc-js";
import { expect } from "vitest";
import { ModelServiceClient, noCredentialsAuthClient } from "../../../adapters/vertex/client.js";
import type { VertexFake } from "./server.js";

export const PARENT = "projects/fake-project/locations/us-central1";
export const IMAGE = "us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-0:latest";

export function fakeClient(fake: VertexFake): ModelServiceClient {
  return new ModelServiceClient({
    apiEndpoint: fake.host,
    port: fake.port,
    sslCreds: credentials.createInsecure(),
    authClient: noCredentialsAuthClient(),
    projectId: "fake-project",
  });
}

export function modelPath(id: string, at?: string): string {
  return `${PARENT}/models/${id}${at === undefined ? "" : `@${at}`}`;
}

export interface UploadFields {
  displayName?: string;
  labels?: Record<string, string>;
  versionAliases?: string[];
  versionDescription?: string;
  description?: string;
}

/** Uploads a version (a new model `id`, or a new version of it when `parentModel`), awaiting the operation. */
export async function upload(client: ModelServiceClient, id: string, fields: UploadFields = {}, parentModel = false): Promise<string> {
  const [operation] = await client.uploadModel({
    parent: PARENT,
    ...(parentModel ? { parentModel: modelPath(id) } : { modelId: id }),
    model: { displayName: fields.displayName ?? id, containerSpec: { imageUri: IMAGE }, ...fields },
  });
  const [response] = await operation.promise();
  return response.modelVersionId ?? "";
}

/** A model with `versions` versions; returns their ids. */
export async function modelWithVersions(client: ModelServiceClient, id: string, versions: number): Promise<string[]> {
  const ids = [await upload(client, id)];
  for (let i = 1; i < versions; i++) ids.push(await upload(client, id, {}, true));
  return ids;
}

/** Resolves to the gRPC status code and message of a failed call; fails the test when it succeeds. */
export async function failure(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: unknown; details?: unknown; message?: string };
    expect(typeof e.code, `expected a gRPC error, got ${String(err)}`).toBe("number");
    return { code: e.code as number, details: typeof e.details === "string" ? e.details : (e.message ?? "") };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
