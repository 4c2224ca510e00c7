import { describe, expect, it } from "vitest";
import { mlflowConfigSchema } from "./config.js";

const messages = (input: unknown): string[] => {
  const parsed = mlflowConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("mlflowConfigSchema", () => {
  it("fills defaults and drops a trailing slash from trackingUri", () => {
    expect(mlflowConfigSchema.parse({ trackingUri: "http://mlflow:5000/" })).toEqual({
      trackingUri: "http://mlflow:5000",
      auth: { type: "none" },
      stageAliases: { STAGING: "staging", SHADOW: "shadow", PRODUCTION: "production" },
      pageSize: 100,
      concurrency: 8,
    });
  });

  it("keeps a base path (MLflow behind a proxy) and accepts basic and bearer auth", () => {
    const basic = mlflowConfigSchema.parse({ trackingUri: "https://host/mlflow", auth: { type: "basic", username: "u", password: "p" } });
    expect(basic.trackingUri).toBe("https://host/mlflow");
    expect(basic.auth).toEqual({ type: "basic", username: "u", password: "p" });
    expect(mlflowConfigSchema.parse({ trackingUri: "http://h", auth: { type: "bearer", token: "t" } }).auth).toEqual({ type: "bearer", token: "t" });
  });

  it("takes partial stage alias names, defaulting the rest", () => {
    expect(mlflowConfigSchema.parse({ trackingUri: "http://h", stageAliases: { PRODUCTION: "prod" } }).stageAliases).toEqual({
      STAGING: "staging",
      SHADOW: "shadow",
      PRODUCTION: "prod",
    });
  });

  it("refuses what MLflow or the gateway cannot use, naming the key", () => {
    expect(messages({})).toEqual([expect.stringMatching(/^trackingUri: /)]);
    expect(messages({ trackingUri: "ftp://h" })[0]).toMatch(/^trackingUri: trackingUri must be an http\(s\) URL/);
    expect(messages({ trackingUri: "http://user:secret@h" })[0]).toMatch(/trackingUri: trackingUri must not carry credentials/);
    expect(messages({ trackingUri: "http://h", pageSize: 1001 })[0]).toMatch(/^pageSize: /);
    expect(messages({ trackingUri: "http://h", concurrency: 0 })[0]).toMatch(/^concurrency: /);
    expect(messages({ trackingUri: "http://h", auth: { type: "basic", username: "u" } })[0]).toMatch(/^auth.password: /);
    expect(messages({ trackingUri: "http://h", auth: { type: "token", token: "t" } })[0]).toMatch(/^auth.type: /);
    expect(messages({ trackingUri: "http://h", stageAliases: { PRODUCTION: "latest" } })[0]).toMatch(/stageAliases.PRODUCTION: .*reserved/);
    expect(messages({ trackingUri: "http://h", stageAliases: { PRODUCTION: "v2" } })[0]).toMatch(/reserved/);
    expect(messages({ trackingUri: "http://h", stageAliases: { PRODUCTION: "has space" } })[0]).toMatch(/letters, digits/);
    expect(messages({ trackingUri: "http://h", stageAliases: { PRODUCTION: "staging" } })[0]).toMatch(/three different aliases/);
    expect(messages({ trackingUri: "http://h", extra: 1 })[0]).toMatch(/Unrecognized key/);
  });
});
