/** `viewer`: who the caller is and the roles they hold, with and without authentication. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../http/auth.js";
import { startTestGateway, type TestGateway } from "../../../test/support/test-gateway.js";

const PUBLISHER = "viewer-test-publisher-token-0123";
const ADMIN = "viewer-test-admin-token-0123456";
const VIEWER = "{ viewer { id displayName email roles developmentMode } }";

describe("viewer", () => {
  let secured: TestGateway;
  let dev: TestGateway;
  beforeAll(async () => {
    [secured, dev] = await Promise.all([
      startTestGateway({
        config: {
          auth: {
            tokens: [
              { subject: "ci-bot", displayName: "CI pipeline", email: "ci@example.com", sha256: sha256Hex(PUBLISHER), roles: ["publisher", "viewer"] },
              { subject: "root", sha256: sha256Hex(ADMIN), roles: ["admin"] },
            ],
          },
        },
      }),
      startTestGateway(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([secured?.stop(), dev?.stop()]);
  });

  it("names the token's subject and its roles, in a fixed order", async () => {
    const res = await secured.gql(VIEWER, undefined, { authorization: `Bearer ${PUBLISHER}` });
    expect(res.errors).toBeUndefined();
    expect(res.data?.viewer).toEqual({ id: "ci-bot", displayName: "CI pipeline", email: "ci@example.com", roles: ["VIEWER", "PUBLISHER"], developmentMode: false });
  });

  it("falls back to the id as display name", async () => {
    const res = await secured.gql(VIEWER, undefined, { authorization: `Bearer ${ADMIN}` });
    expect(res.data?.viewer).toEqual({ id: "root", displayName: "root", email: null, roles: ["ADMIN"], developmentMode: false });
  });

  it("needs a token when authentication is configured", async () => {
    const res = await secured.gql(VIEWER);
    expect(res.status).toBe(401);
  });

  it("says development mode: anonymous with every role", async () => {
    const res = await dev.gql(VIEWER);
    expect(res.data?.viewer).toEqual({
      id: "anonymous",
      displayName: "anonymous (development mode)",
      email: null,
      roles: ["VIEWER", "PUBLISHER", "APPROVER", "ADMIN"],
      developmentMode: true,
    });
  });
});
