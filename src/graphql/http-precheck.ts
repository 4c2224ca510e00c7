/**
 * What HTTP refuses before Apollo parses and validates a request, thrown from Apollo's context
 * function (the one hook that runs first and answers with the error's own status): the query
 * limits' pre-check, run before graphql-js's rules as on WebSocket, and subscriptions, which HTTP
 * does not serve (./subscription-rules.ts).
 */
import { GraphQLError } from "graphql";
import type { QueryLimits } from "./limits.js";
import { subscriptionOverHttp } from "./subscription-rules.js";

/** The query and operation name of a GraphQL-over-HTTP request: a POST body, else the GET query string. */
function operationOf(body: unknown, search: URLSearchParams): { query: unknown; operationName: unknown } {
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    const fields = body as Record<string, unknown>;
    return { query: fields["query"], operationName: fields["operationName"] };
  }
  return { query: search.get("query"), operationName: search.get("operationName") };
}

/** The refusal of an HTTP GraphQL request before Apollo sees it (HTTP 400), or undefined. */
export function refuseBeforeApollo(body: unknown, search: URLSearchParams, limits: QueryLimits): GraphQLError | undefined {
  const { query, operationName } = operationOf(body, search);
  // Anything else (no query, a persisted-query hash, not a string) is Apollo's to answer.
  if (typeof query !== "string") return undefined;
  const [refusal] = limits.precheck(query);
  if (refusal !== undefined) {
    return new GraphQLError(refusal.message, { nodes: refusal.nodes ?? null, originalError: refusal, extensions: { ...refusal.extensions, http: { status: 400 } } });
  }
  return subscriptionOverHttp(query, operationName, limits.parseOptions);
}
