/**
 * Executes repeated documents with graphql-jit (issue 12, goal 2): a document Apollo served from
 * its document cache (parsed and validated once, the same object every time) is compiled to a
 * JavaScript function on its second use and run by it from then on; every other request runs on
 * graphql-js's execute, as Apollo does. It plugs in through Apollo's executor hook (the gateway
 * interface's `load()` returning an executor): parsing, validation (the query limits and
 * NoIntrospection included), plugins, error formatting and masking stay Apollo's.
 *
 * What stays on graphql-js: a document's first use (no compile cost for one-off queries), an
 * operation Apollo could not resolve, and a request graphql-jit refused before executing (variables
 * that do not coerce: re-run on graphql-js so the error and its BAD_USER_INPUT status are the ones
 * graphql-js gives; nothing ran).
 *
 * graphql-jit (with fast-json-stringify and ajv, about 4 MiB of heap) is loaded when the first
 * document is compiled: a gateway serving only `GET /v1/resolve` never carries it.
 */
import type { ApolloServerOptionsWithGateway } from "@apollo/server";
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { CompiledQuery } from "graphql-jit";
import type { GatewayContext } from "./context.js";

type Gateway = ApolloServerOptionsWithGateway<GatewayContext>["gateway"];
type Executor = NonNullable<Awaited<ReturnType<Gateway["load"]>>["executor"]>;

export interface JitExecutorStats {
  /** Documents compiled so far. */
  compiled: number;
  /** Requests run by a compiled document / by graphql-js. */
  jit: number;
  graphqlJs: number;
}

/**
 * graphql-jit reports a resolver's failure with an error of its own that has no `extensions`;
 * Apollo's error formatting reads `extensions.code` and, failing, answers a bare "Internal server
 * error" in place of every such error (a NOT_FOUND included, its path lost). The same error as
 * graphql-js makes it: the original error, its path and locations, the original's extensions.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  if (error.extensions !== undefined) return error;
  const original = error.originalError ?? undefined;
  const made = new GraphQLError(error.message, { ...(error.path === undefined ? {} : { path: error.path }), ...(original === undefined ? {} : { originalError: original }) });
  if (error.locations !== undefined) (made as { locations?: GraphQLError["locations"] }).locations = error.locations;
  return made;
}

type GraphqlJit = typeof import("graphql-jit");
let graphqlJit: Promise<GraphqlJit> | undefined;

/** Uses of a document before it is compiled: one-off documents never are. */
const COMPILE_ON_USE = 2;

/**
 * Apollo's gateway interface around one fixed schema, whose executor runs cached documents
 * compiled. `stats` counts what ran where (tests read it; the bench reports it).
 */
export function jitGateway(schema: GraphQLSchema): { gateway: Gateway; stats: JitExecutorStats } {
  const stats: JitExecutorStats = { compiled: 0, jit: 0, graphqlJs: 0 };
  // Keyed by the document object Apollo's document cache hands back: a document it evicts takes
  // its compiled queries with it.
  const uses = new WeakMap<DocumentNode, number>();
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  const onGraphqlJs = (document: DocumentNode, context: unknown, variables: Record<string, unknown> | undefined, operationName: string | undefined) => {
    stats.graphqlJs += 1;
    return execute({ schema, document, contextValue: context, variableValues: variables ?? null, operationName: operationName ?? null }) as
      | ExecutionResult
      | Promise<ExecutionResult>;
  };

  const executor: Executor = async (rc) => {
    const document = rc.document;
    const operationName = rc.request.operationName ?? undefined;
    const variables = rc.request.variables;
    if (rc.operation === undefined) return onGraphqlJs(document, rc.context, variables, operationName);
    const seen = (uses.get(document) ?? 0) + 1;
    if (seen < COMPILE_ON_USE) {
      uses.set(document, seen);
      return onGraphqlJs(document, rc.context, variables, operationName);
    }
    let byOperation = compiled.get(document);
    if (byOperation === undefined) {
      byOperation = new Map();
      compiled.set(document, byOperation);
    }
    const key = operationName ?? "";
    let query = byOperation.get(key);
    if (query === undefined) {
      const jit = await (graphqlJit ??= import("graphql-jit"));
      query = byOperation.get(key);
      if (query === undefined) {
        const result = jit.compileQuery(schema, document, operationName);
        // graphql-jit refuses what it cannot compile: graphql-js runs it, every time.
        query = jit.isCompiledQuery(result) ? result : null;
        byOperation.set(key, query);
        if (query !== null) stats.compiled += 1;
      }
    }
    if (query === null) return onGraphqlJs(document, rc.context, variables, operationName);
    const result = await query.query(undefined, rc.context, variables ?? {});
    // No data: refused before anything ran (variables); graphql-js words that refusal.
    if (result.data === undefined && result.errors !== undefined) return onGraphqlJs(document, rc.context, variables, operationName);
    stats.jit += 1;
    return result.errors === undefined ? (result as ExecutionResult) : { ...result, errors: result.errors.map(asGraphQLJsError) } as ExecutionResult;
  };

  const gateway: Gateway = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
  return { gateway, stats };
}
