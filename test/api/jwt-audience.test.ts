/**
 * A production gateway accepts only JWTs minted for it: auth.jwt.audience is required (a config
 * error naming the key otherwise), and tokens without `aud` or with another service's are refused.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/load-config.js";
import { configSchema } from "../../src/config/schema.js";
import { createAuthenticator } from "../../src/http/auth.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

const ISSUER = "https://issuer.test";

let jwks: Server;
let jwksUrl: string;
let privateKey: CryptoKey;

beforeAll(async () => {
  const keys = await generateKeyPair("ES256");
  privateKey = keys.privateKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  jwks = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
});
afterAll(async () => {
  await new Promise((r) => jwks?.close(r));
});

function token(audience: string | string[] | undefined): Promise<string> {
  const jwt = new SignJWT({ sub: "alice", roles: ["viewer"] }).setProtectedHeader({ alg: "ES256", kid: "k1" }).setIssuer(ISSUER).setIssuedAt().setExpirationTime("5m");
  return (audience === undefined ? jwt : jwt.setAudience(audience)).sign(privateKey);
}

describe("auth.jwt.audience in production mode", () => {
  it("is a config error naming the key when missing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "modelgate-aud-"));
    try {
      const file = join(dir, "modelgate.yaml");
      await writeFile(file, `server:\n  mode: production\nauth:\n  jwt:\n    issuer: ${ISSUER}\n    jwksUri: ${jwksUrl}\n`);
      const err = await loadConfig({ path: file, env: {}, cwd: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.join("\n")).toMatch(/^auth\.jwt\.audience.*is required when server\.mode is production/m);
      // Development mode keeps the audience optional.
      await writeFile(file, `server:\n  mode: development\nauth:\n  jwt:\n    issuer: ${ISSUER}\n    jwksUri: ${jwksUrl}\n`);
      await expect(loadConfig({ path: file, env: {}, cwd: dir })).resolves.toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("is refused by the authenticator too, for an embedder that skipped the config check", () => {
    const auth = configSchema.parse({ auth: { jwt: { issuer: ISSUER, jwksUri: jwksUrl } } }).auth;
    expect(() => createAuthenticator(auth, { mode: "production" })).toThrow(ConfigError);
    expect(() => createAuthenticator(auth, { mode: "production" })).toThrow(/auth\.jwt\.audience: is required when server\.mode is production/);
    expect(createAuthenticator(auth, { mode: "development" }).enabled).toBe(true);
  });

  describe("a production gateway", () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway({
        config: { server: { mode: "production" }, auth: { jwt: { issuer: ISSUER, audience: "modelgate", jwksUri: jwksUrl } } },
      });
    });
    afterAll(async () => {
      await gw?.stop();
    });
    const ask = async (jwt: string) => gw.gql("{ environments { name } }", undefined, { authorization: `Bearer ${jwt}` });

    it("accepts a token whose aud names it (alone or among others)", async () => {
      expect((await ask(await token("modelgate"))).status).toBe(200);
      expect((await ask(await token(["billing", "modelgate"]))).status).toBe(200);
    });

    it("refuses a token without aud, and one minted for another service", async () => {
      const missing = await ask(await token(undefined));
      expect(missing.status).toBe(401);
      expect(missing.errors?.[0]?.message).toBe('invalid token: claim "aud" missing');
      const other = await ask(await token("billing"));
      expect(other.status).toBe(401);
      expect(other.errors?.[0]?.message).toBe('invalid token: claim "aud" does not match');
    });
  });
});
