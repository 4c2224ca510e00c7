/**
 * Identity and roles over real HTTP: config tokens (stored hashed) and JWTs verified against a JWKS
 * served on loopback.
 */
import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/http/auth.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

const VIEWER = "viewer-token-0123456789";
const PUBLISHER = "publisher-token-0123456789";
const ISSUER = "https://issuer.test";

let gw: TestGateway;
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
  gw = await startTestGateway({
    config: {
      auth: {
        tokens: [
          { subject: "dashboard", sha256: sha256Hex(VIEWER), roles: ["viewer"] },
          { subject: "ci-pipeline", displayName: "CI pipeline", email: "ci@example.com", sha256: sha256Hex(PUBLISHER), roles: ["publisher"] },
        ],
        jwt: { issuer: ISSUER, audience: "modelgate", jwksUri: jwksUrl, rolesClaim: "realm_access.roles" },
      },
    },
  });
});
afterAll(async () => {
  await gw?.stop();
  await new Promise((r) => jwks?.close(r));
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const REGISTER = 'mutation { modelVersionRegister(input: { backend: "example", model: "auth-test", artifactUri: "s3://b/k" }) { modelVersion { version } userErrors { code message } } }';

function jwt(claims: Record<string, unknown>, opts: { issuer?: string; expires?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: "k1" })
    .setIssuer(opts.issuer ?? ISSUER)
    .setAudience("modelgate")
    .setIssuedAt()
    .setExpirationTime(opts.expires ?? "5m")
    .sign(privateKey);
}

describe("authentication", () => {
  it("refuses a request without a token with 401 and a WWW-Authenticate challenge", async () => {
    const res = await fetch(gw.graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ environments { name } }"}' });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="modelgate"');
    expect(await res.json()).toEqual({
      errors: [{ message: "missing bearer token: send `Authorization: Bearer <token>`", extensions: { code: "UNAUTHENTICATED" } }],
    });
    expect((await fetch(`${gw.url}/v1/resolve/support-triage?env=production`)).status).toBe(401);
  });

  it("refuses an unknown token", async () => {
    const res = await gw.gql("{ environments { name } }", undefined, bearer("not-a-known-token"));
    expect(res.status).toBe(401);
  });

  it("keeps the probes open", async () => {
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  });

  it("accepts a config token and reads with it", async () => {
    const res = await gw.gql<{ environments: unknown[] }>("{ environments { name } }", undefined, bearer(VIEWER));
    expect(res.status).toBe(200);
    expect(res.data?.environments.length).toBe(2);
  });

  it("accepts a JWT signed by the issuer, with roles from a nested claim", async () => {
    const token = await jwt({ sub: "alice", name: "Alice", realm_access: { roles: ["publisher", "offline_access"] } });
    const res = await gw.gql<{ modelVersionRegister: { userErrors: unknown[] } }>(REGISTER, undefined, bearer(token));
    expect(res.data?.modelVersionRegister.userErrors).toEqual([]);
    const author = execFileSync("git", ["-C", `${gw.dir}/registry`, "log", "-1", "--format=%an"], { encoding: "utf8" }).trim();
    expect(author).toBe("Alice");
  });

  it("refuses expired JWTs, other issuers and JWTs without a modelgate role", async () => {
    const expired = await jwt({ sub: "bob", realm_access: { roles: ["viewer"] } }, { expires: "-10m" });
    const res = await gw.gql("{ environments { name } }", undefined, bearer(expired));
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.message).toBe("invalid token: it has expired");

    const foreign = await jwt({ sub: "bob", realm_access: { roles: ["viewer"] } }, { issuer: "https://elsewhere" });
    expect((await gw.gql("{ environments { name } }", undefined, bearer(foreign))).status).toBe(401);

    const roleless = await jwt({ sub: "carol", realm_access: { roles: ["offline_access"] } });
    const forbidden = await gw.gql("{ environments { name } }", undefined, bearer(roleless));
    expect(forbidden.status).toBe(403);
    expect(forbidden.errors?.[0]?.message).toBe("carol holds no modelgate role");
  });
});

describe("roles", () => {
  it("refuses a write by a viewer with a FORBIDDEN user error, and changes nothing", async () => {
    const head = () => execFileSync("git", ["-C", `${gw.dir}/registry`, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const before = head();
    const res = await gw.gql<{ modelVersionRegister: { modelVersion: unknown; userErrors: { code: string; message: string }[] } }>(
      REGISTER,
      undefined,
      bearer(VIEWER),
    );
    expect(res.data?.modelVersionRegister).toEqual({
      modelVersion: null,
      userErrors: [{ code: "FORBIDDEN", message: "dashboard may not register versions: that needs the publisher role (it holds viewer)" }],
    });
    expect(head()).toBe(before);
  });

  it("lets a publisher write, recording the token's subject as the actor and git author", async () => {
    const res = await gw.gql<{ modelVersionRegister: { modelVersion: { version: string } } }>(REGISTER, undefined, bearer(PUBLISHER));
    expect(res.data?.modelVersionRegister.modelVersion.version).toBeDefined();
    const author = execFileSync("git", ["-C", `${gw.dir}/registry`, "log", "-1", "--format=%an <%ae>"], { encoding: "utf8" }).trim();
    expect(author).toBe("CI pipeline <ci@example.com>");
    const trail = await gw.gql<{ auditEvents: { nodes: { actor: string }[] } }>("{ auditEvents(first: 1) { nodes { actor } } }", undefined, bearer(VIEWER));
    expect(trail.data?.auditEvents.nodes[0]?.actor).toBe("ci-pipeline");
  });
});

describe("development mode", () => {
  it("refuses to listen beyond loopback without authentication", async () => {
    await expect(startTestGateway({ config: { server: { host: "0.0.0.0" } }, host: "0.0.0.0" })).rejects.toThrow(
      /^refusing to listen on 0\.0\.0\.0 without authentication/,
    );
  });
});
