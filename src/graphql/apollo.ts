/**
 * Apollo Server with every security option set explicitly (Apollo's defaults follow NODE_ENV):
 * masked errors outside development, no stack traces, CSRF prevention, depth and alias limits,
 * introspection as configured.
 */
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { GatewayContext } from "./context.js";
import { createFormatError } from "./errors.js";
import { aliasLimit, depthLimit } from "./limits.js";

export interface ApolloOptions {
  mode: "development" | "production";
  introspection: boolean;
  maxDepth: number;
  maxAliases: number;
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

export function createApollo(schema: GraphQLSchema, opts: ApolloOptions): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    schema,
    introspection: opts.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: opts.mode === "production",
    formatError: createFormatError({ mask: opts.mode === "production" }),
    validationRules: [depthLimit(opts.maxDepth), aliasLimit(opts.maxAliases)],
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
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
    ],
  });
}
