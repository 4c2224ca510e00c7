import { describe, expect, it } from "vitest";
import { clientOptions } from "./client.js";
import { resolveEndpoint, vertexConfigSchema } from "./config.js";
import { VertexAdapter } from "./adapter.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function issues(input: unknown): string[] {
  const parsed = vertexConfigSchema.safeParse(input);
  if (parsed.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("vertex config", () => {
  it("defaults to ADC, the regional endpoint, 100 per page and a prebuilt serving image", () => {
    const config = vertexConfigSchema.parse({ project: "my-project", location: "europe-west4" });
    expect(config).toMatchObject({ insecure: false, pageSize: 100, concurrency: 4 });
    expect(config.credentials).toBeUndefined();
    expect(config.container.imageUri).toMatch(/^us-docker\.pkg\.dev\/vertex-ai\/prediction\//);
  });

  it("resolves the regional endpoint of the location, without connecting", async () => {
    const config = vertexConfigSchema.parse({ project: "my-project", location: "europe-west4" });
    expect(resolveEndpoint(config)).toEqual({ host: "europe-west4-aiplatform.googleapis.com", port: 443 });
    expect(clientOptions(config, "/etc/modelgate")).toMatchObject({ apiEndpoint: "europe-west4-aiplatform.googleapis.com", port: 443, projectId: "my-project" });
    expect(clientOptions(config, "/etc/modelgate").sslCreds).toBeUndefined();

    const adapter = new VertexAdapter("vertex-eu", config, "/etc/modelgate", silent);
    expect(adapter.endpoint).toBe("europe-west4-aiplatform.googleapis.com:443");
    await adapter.close();

    expect(resolveEndpoint({ location: "us-central1" })).toEqual({ host: "us-central1-aiplatform.googleapis.com", port: 443 });
    expect(resolveEndpoint({ location: "global" })).toEqual({ host: "aiplatform.googleapis.com", port: 443 });
  });

  it("takes an explicit endpoint with or without a port", () => {
    expect(resolveEndpoint({ location: "europe-west4", apiEndpoint: "127.0.0.1:50051" })).toEqual({ host: "127.0.0.1", port: 50051 });
    expect(resolveEndpoint({ location: "europe-west4", apiEndpoint: "private.example.com" })).toEqual({ host: "private.example.com", port: 443 });
    expect(resolveEndpoint({ location: "europe-west4", apiEndpoint: "[::1]:8080" })).toEqual({ host: "::1", port: 8080 });
  });

  it("resolves a key file against the config folder, and passes JSON credentials through", () => {
    const keyFile = vertexConfigSchema.parse({ project: "my-project", location: "us-central1", credentials: { keyFilename: "keys/sa.json" } });
    expect(clientOptions(keyFile, "/etc/modelgate").keyFilename).toBe("/etc/modelgate/keys/sa.json");
    const json = vertexConfigSchema.parse({
      project: "my-project",
      location: "us-central1",
      credentials: { json: '{"type":"service_account","client_email":"sa@my-project.iam.gserviceaccount.com"}' },
    });
    expect(clientOptions(json, "/etc/modelgate").credentials).toMatchObject({ client_email: "sa@my-project.iam.gserviceaccount.com" });
  });

  it("uses plaintext gRPC and an auth client without credentials only when insecure", () => {
    const config = vertexConfigSchema.parse({ project: "my-project", location: "us-central1", apiEndpoint: "127.0.0.1:4000", insecure: true });
    const options = clientOptions(config, "/");
    expect(options.sslCreds?._isSecure()).toBe(false);
    expect(options.authClient).toBeDefined();
  });

  it("refuses bad settings with messages naming them", () => {
    expect(issues({ project: "My Project", location: "us-central1" })).toEqual([expect.stringMatching(/^project: .*GCP project id/)]);
    expect(issues({ project: "my-project", location: "US Central" })).toEqual([expect.stringMatching(/^location: .*region/)]);
    expect(issues({ project: "my-project", location: "us-central1", pageSize: 500 })).toEqual([expect.stringMatching(/^pageSize: /)]);
    expect(issues({ project: "my-project", location: "us-central1", insecure: true })).toEqual([expect.stringMatching(/^insecure: .*apiEndpoint/)]);
    expect(
      issues({ project: "my-project", location: "us-central1", apiEndpoint: "127.0.0.1:1", insecure: true, credentials: { keyFilename: "k.json" } }),
    ).toEqual([expect.stringMatching(/^credentials: an insecure connection sends no credentials/)]);
    expect(issues({ project: "my-project", location: "us-central1", apiEndpoint: "https://x.example.com/" })).toEqual([expect.stringMatching(/^apiEndpoint: /)]);
    expect(issues({ project: "my-project", location: "us-central1", region: "x" })).toEqual([expect.stringMatching(/region/)]);
    expect(issues({ project: "my-project", location: "us-central1", credentials: {} })).toEqual([expect.stringMatching(/^credentials: .*exactly one/)]);
  });

  it("never echoes credentials JSON that does not parse", () => {
    const secret = "not-json-private-key-material";
    const messages = issues({ project: "my-project", location: "us-central1", credentials: { json: secret } });
    expect(messages.join("\n")).toMatch(/credentials\.json is not a JSON object/);
    expect(messages.join("\n")).not.toContain(secret);
  });
});
