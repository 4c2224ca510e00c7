/**
 * The ModelServiceClient of @google-cloud/aiplatform (v1, gRPC) for one backend: the regional
 * endpoint of its location unless told otherwise, Application Default Credentials unless a key is
 * configured, and for `insecure` (a local fake) plaintext gRPC with an auth client that holds no
 * credentials, so google-gax never starts credential discovery (no key file lookup, no metadata
 * server probe: nothing leaves the machine but the calls to the fake).
 */
import path from "node:path";
import { credentials as grpcCredentials } from "@grpc/grpc-js";
// The client module itself, not the package index: the index loads every Vertex AI client (~1 s).
import { ModelServiceClient } from "@google-cloud/aiplatform/build/src/v1/model_service_client.js";
import { resolveEndpoint, type VertexConfig } from "./config.js";

export { ModelServiceClient };

export type ModelServiceClientOptions = NonNullable<ConstructorParameters<typeof ModelServiceClient>[0]>;
type AuthClient = NonNullable<ModelServiceClientOptions["authClient"]>;

const UNIVERSE_DOMAIN = "googleapis.com";

/**
 * An auth client without credentials. google-gax asks its auth for a client only to read the
 * universe domain (and for call credentials, which `sslCreds` replaces); this answers both without
 * any lookup. Sending a request through it is a bug, and says so.
 */
export function noCredentialsAuthClient(): AuthClient {
  const client = {
    universeDomain: UNIVERSE_DOMAIN,
    credentials: {},
    async getRequestHeaders(): Promise<Headers> {
      return new Headers();
    },
    async getAccessToken(): Promise<{ token?: string | null }> {
      return {};
    },
    async request(): Promise<never> {
      throw new Error("the insecure Vertex AI client holds no credentials and sends no authenticated HTTP requests");
    },
    setCredentials(): void {},
    on() {
      return client;
    },
  };
  return client as unknown as AuthClient;
}

/** The client options for a backend; `configDir` resolves a relative key file. */
export function clientOptions(config: VertexConfig, configDir: string): ModelServiceClientOptions {
  const { host, port } = resolveEndpoint(config);
  const base: ModelServiceClientOptions = { apiEndpoint: host, port, projectId: config.project, universeDomain: UNIVERSE_DOMAIN };
  if (config.insecure) {
    return { ...base, sslCreds: grpcCredentials.createInsecure(), authClient: noCredentialsAuthClient() };
  }
  const creds = config.credentials;
  if (creds === undefined) return base;
  if (creds.keyFilename !== undefined) return { ...base, keyFilename: path.resolve(configDir, creds.keyFilename) };
  return { ...base, credentials: creds.json as ModelServiceClientOptions["credentials"] };
}

export function createModelServiceClient(config: VertexConfig, configDir: string): ModelServiceClient {
  return new ModelServiceClient(clientOptions(config, configDir));
}
