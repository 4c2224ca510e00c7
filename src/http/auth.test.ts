/**
 * Verified tokens are remembered so a client polling GET /v1/resolve costs a map lookup, but never
 * past what verifying again would allow: a remembered JWT stops working when it expires.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { configSchema } from "../config/schema.js";
import { AuthenticationError, createAuthenticator, sha256Hex } from "./auth.js";

const ISSUER = "https://issuer.test";
let jwks: Server;
let jwksUri: string;
let privateKey: CryptoKey;

beforeAll(async () => {
  const keys = await generateKeyPair("ES256");
  privateKey = keys.privateKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  jwks = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
  jwksUri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
});
afterAll(async () => {
  await new Promise((r) => jwks?.close(r));
});
afterEach(() => {
  vi.useRealTimers();
});

describe("remembered tokens", () => {
  it("stop accepting a JWT once it expired, though it was verified before", async () => {
    const auth = configSchema.parse({ auth: { jwt: { issuer: ISSUER, jwksUri, audience: "modelgate", clockToleranceSeconds: 0 } } }).auth;
    const authenticator = createAuthenticator(auth, { mode: "production" });
    const now = Date.now();
    const token = await new SignJWT({ sub: "alice", roles: ["viewer"] })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer(ISSUER)
      .setAudience("modelgate")
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 10)
      .sign(privateKey);
    const header = `Bearer ${token}`;
    expect(await authenticator.authenticate(header)).toMatchObject({ id: "alice", roles: ["viewer"] });
    expect(authenticator.verified(header)).toMatchObject({ id: "alice" });

    vi.useFakeTimers({ toFake: ["Date"], now: now + 11_000 });
    expect(authenticator.verified(header)).toBeUndefined();
    await expect(authenticator.authenticate(header)).rejects.toThrow(AuthenticationError);
    await expect(authenticator.authenticate(header)).rejects.toThrow(/expired/);
  });

  it("know a config token after its first use, and no token never used", async () => {
    const auth = configSchema.parse({ auth: { tokens: [{ subject: "ci", roles: ["viewer"], sha256: sha256Hex("s3cret-token") }] } }).auth;
    const authenticator = createAuthenticator(auth);
    expect(authenticator.verified("Bearer s3cret-token")).toBeUndefined();
    expect(await authenticator.authenticate("Bearer s3cret-token")).toMatchObject({ id: "ci" });
    expect(authenticator.verified("Bearer s3cret-token")).toMatchObject({ id: "ci" });
    expect(authenticator.verified("Bearer other")).toBeUndefined();
    await expect(authenticator.authenticate("Bearer other")).rejects.toThrow(AuthenticationError);
  });
});
