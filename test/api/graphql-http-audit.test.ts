/**
 * The GraphQL-over-HTTP audit suite of the graphql-http package, against the real server.
 * No audit may end in `error`. `warn` and `notice` (a MAY or SHOULD we chose not to do: GETs need
 * Apollo's CSRF preflight header here) are allowed and show in the test names.
 */
import { serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ config: { server: { introspection: true } } });
});
afterAll(async () => {
  await gw?.stop();
});

describe("graphql-http server audits", () => {
  for (const audit of serverAudits({ url: () => gw.graphqlUrl, fetchFn: fetch })) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      if (result.status === "error") {
        throw new Error(`${audit.id} ${audit.name}: ${result.reason}`);
      }
      expect(["ok", "warn", "notice"]).toContain(result.status);
    });
  }
});
