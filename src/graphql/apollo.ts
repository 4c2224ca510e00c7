/**
 * Apollo Server with every security option set explicitly (Apollo's defaults follow NODE_ENV):
 * masked errors outside development, no stack traces, CSRF prevention, the query limits of
 * ./limits.ts (the same set the WebSocket transport applies), introspection as configured.
 */
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import type { GatewayContext } from "./context.js";
import { createFormatError } from "./errors.js";
import { limitErrorIn, withoutSuggestions, type QueryLimits } from "./limits.js";
import { observabilityPlugin } from "./observability-plugin.js";
import { jitGateway } from "./jit-executor.js";

export interface ApolloOptions {
  mode: "development" | "production";
  introspection: boolean;
  /** Built once per server (createQueryLimits) and shared with the WebSocket transport. */
  limits: QueryLimits;
  /** server.graphqlExecutor: repeated documents compiled with graphql-jit (./jit-executor.ts), or graphql-js for all. */
  executor?: "jit" | "graphql-js";
}

/** Appends backend failures collected during execution to the response, next to the partial data. */
const partialErrorsPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== "single" || contextValue.partialErrors.length === 0) return;
        const result = response.body.singleResult;
        result.errors = [...(result.errors ?? []), ...contextValue.partialErrors.map((e) => e.toJSON())];
      },
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) {
          const code = error.extensions?.code;
          const expected = typeof code === "string" && code !== "INTERNAL_SERVER_ERROR";
          const log = { err: error.originalError ?? error, path: error.path, code };
          if (expected) contextValue.logger.debug(log, "request error");
          else contextValue.logger.error(log, "unexpected error");
        }
      },
    };
  },
};

/**
 * Query limits over HTTP: graphql's parse stops at maxTokens and validation runs the limit rules;
 * Apollo reports both as its own GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED, so the
 * formatter puts back the QUERY_TOO_COMPLEX refusal the WebSocket transport sends.
 */
function limitRefusals(limits: QueryLimits) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    let refusal = limitErrorIn(error);
    if (refusal === undefined && formatted.extensions?.["code"] === "GRAPHQL_PARSE_FAILED" && error instanceof GraphQLError && error.originalError instanceof GraphQLError) {
      refusal = limitErrorIn(limits.fromParseError(error.originalError));
    }
    if (refusal === undefined) return formatted;
    return { message: refusal.message, ...(formatted.locations ? { locations: formatted.locations } : {}), extensions: refusal.extensions };
  };
}

/** Production: graphql-js leaves suggestions out of validation errors (hideSuggestions); this covers execution's (variable values). */
const suggestionsHiddenPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors }) {
        for (const error of errors) {
          const message = withoutSuggestions(error.message);
          // An error whose message is read-only (graphql-jit makes some) is left as it is.
          if (message !== error.message && Object.getOwnPropertyDescriptor(error, "message")?.writable !== false) error.message = message;
        }
      },
    };
  },
};

export function createApollo(schema: GraphQLSchema, opts: ApolloOptions): ApolloServer<GatewayContext> {
  const { limits } = opts;
  const formatError = createFormatError({ mask: opts.mode === "production" });
  const refusals = limitRefusals(limits);
  // Apollo's executor hook is its gateway interface: the same schema, repeated documents compiled.
  const executes = (opts.executor ?? "jit") === "jit" ? { gateway: jitGateway(schema).gateway } : { schema };
  return new ApolloServer<GatewayContext>({
    ...executes,
    introspection: opts.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: opts.mode === "production",
    formatError: (formatted, error) => formatError(refusals(formatted, error), error),
    parseOptions: limits.parseOptions,
    validationRules: [...limits.rules],
    validationOptions: { hideSuggestions: limits.hideSuggestions },
    allowBatchedHttpRequests: false,
    // Shutdown is ours (src/http/server.ts drains requests, then closes the store and backends);
    // Apollo's own signal handler would stop it and re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    // Our own GraphiQL is served at /graphiql (bundled); nothing is reported to Apollo's cloud.
    // No @cacheControl hints in the schema: the default cache-control plugin would only add a hook
    // to every field resolved (a measurable share of the resolve query's cost, docs/performance.md).
    // Apollo's document cache (parsed and validated queries by hash) stays on, as by default.
    plugins: [
      partialErrorsPlugin,
      observabilityPlugin,
      ApolloServerPluginCacheControlDisabled(),
      ...(limits.hideSuggestions ? [suggestionsHiddenPlugin] : []),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
    ],
  });
}
