/**
 * `auditVerification` through a real gateway over HTTP, on a SQLite file that the test then
 * tampers with through a second connection.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../http/auth.js";
import { startTestGateway, type TestGateway } from "../../../test/support/test-gateway.js";

const VIEWER = "audit-viewer-token-0123456789";
const PUBLISHER = "audit-publisher-token-0123456789";
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const VERIFY = "{ auditVerification { ok events headSeq headHash firstBrokenSeq reason } }";

interface Verification {
  ok: boolean;
  events: number;
  headSeq: number | null;
  headHash: string | null;
  firstBrokenSeq: number | null;
  reason: string | null;
}

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    fileStore: true,
    config: {
      auth: {
        tokens: [
          { subject: "dashboard", sha256: sha256Hex(VIEWER), roles: ["viewer"] },
          { subject: "ci", sha256: sha256Hex(PUBLISHER), roles: ["publisher"] },
        ],
      },
    },
  });
});
afterAll(async () => {
  await gw?.stop();
});

async function verification(): Promise<Verification> {
  const res = await gw.gql<{ auditVerification: Verification }>(VERIFY, undefined, bearer(VIEWER));
  expect(res.errors).toBeUndefined();
  return res.data!.auditVerification;
}

async function register(model: string): Promise<void> {
  const res = await gw.gql(
    `mutation { modelVersionRegister(input: { backend: "example", model: "${model}", artifactUri: "s3://b/${model}" }) { userErrors { message } } }`,
    undefined,
    bearer(PUBLISHER),
  );
  expect(res.errors).toBeUndefined();
}

describe("auditVerification", () => {
  it("reports an empty trail as intact", async () => {
    expect(await verification()).toEqual({ ok: true, events: 0, headSeq: null, headHash: null, firstBrokenSeq: null, reason: null });
  });

  it("reports the head of an intact trail, then the first broken seq once a row is edited", async () => {
    for (const model of ["audit-a", "audit-b", "audit-c"]) await register(model);
    const newest = await gw.gql<{ auditEvents: { edges: { node: { seq: number; hash: string } }[] } }>(
      "{ auditEvents(first: 1) { edges { node { seq hash } } } }",
      undefined,
      bearer(VIEWER),
    );
    const head = newest.data!.auditEvents.edges[0]!.node;
    expect(head.seq).toBeGreaterThanOrEqual(3);
    expect(await verification()).toEqual({ ok: true, events: head.seq, headSeq: head.seq, headHash: head.hash, firstBrokenSeq: null, reason: null });

    const raw = new Database(join(gw.dir, "modelgate.db"));
    try {
      expect(raw.prepare("update audit_events set actor = 'mallory' where seq = 2").run().changes).toBe(1);
    } finally {
      raw.close();
    }
    const broken = await verification();
    expect(broken).toMatchObject({ ok: false, events: 1, headSeq: 1, firstBrokenSeq: 2 });
    expect(broken.reason).toBe("hash does not match the event's content: the event was altered");
  });
});
