import { ApolloServer } from "@apollo/server";
import { GraphQLError, GraphQLInt, GraphQLInterfaceType, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../core/index.js";
import type { GatewayContext } from "./context.js";
import { createFormatError } from "./errors.js";
import { jitGateway } from "./jit-executor.js";

// A schema with what the gateway's uses: an interface resolved by a synchronous type resolver,
// arguments, a resolver reading the context, a resolver failing with a fault.
const Named = new GraphQLInterfaceType({
  name: "Named",
  fields: { name: { type: new GraphQLNonNull(GraphQLString) } },
  resolveType: (value: { kind: string }) => (value.kind === "model" ? "Model" : "Deployment"),
});
const Model = new GraphQLObjectType({ name: "Model", interfaces: [Named], fields: { name: { type: new GraphQLNonNull(GraphQLString) }, version: { type: GraphQLInt } } });
const Deployment = new GraphQLObjectType({ name: "Deployment", interfaces: [Named], fields: { name: { type: new GraphQLNonNull(GraphQLString) }, revision: { type: GraphQLInt } } });
const schema = new GraphQLSchema({
  types: [Model, Deployment],
  query: new GraphQLObjectType({
    name: "Query",
    fields: {
      named: {
        type: Named,
        args: { name: { type: new GraphQLNonNull(GraphQLString) }, times: { type: GraphQLInt } },
        resolve: (_root, args: { name: string; times?: number }, ctx: GatewayContext) =>
          args.name.startsWith("dep")
            ? { kind: "deployment", name: `${args.name}:${ctx.actor.id}`, revision: args.times ?? 1 }
            : { kind: "model", name: `${args.name}:${ctx.actor.id}`, version: args.times ?? 1 },
      },
      broken: {
        type: GraphQLString,
        resolve: () => {
          throw new Error("secret connection string in a fault");
        },
      },
    },
  }),
});

const QUERY = `query Q($name: String!, $times: Int) {
  named(name: $name, times: $times) { name ... on Model { version } ... on Deployment { revision } }
}`;

async function servers() {
  const { gateway, stats } = jitGateway(schema);
  const formatError = createFormatError({ mask: true });
  const jit = new ApolloServer<GatewayContext>({ gateway, formatError, includeStacktraceInErrorResponses: false });
  const plain = new ApolloServer<GatewayContext>({ schema, formatError, includeStacktraceInErrorResponses: false });
  await Promise.all([jit.start(), plain.start()]);
  const contextValue = { actor: { id: "alice", roles: ["viewer"] } } as unknown as GatewayContext;
  const ask = async (server: ApolloServer<GatewayContext>, query: string, variables: Record<string, unknown>) => {
    const res = await server.executeOperation({ query, variables }, { contextValue });
    if (res.body.kind !== "single") throw new Error("expected a single result");
    return { status: res.http.status, result: res.body.singleResult };
  };
  return { jit, plain, stats, ask, stop: () => Promise.all([jit.stop(), plain.stop()]) };
}

describe("graphql-jit through Apollo's executor hook", () => {
  it("runs a document on graphql-js first, compiled from its second use on, with the same answers", async () => {
    const s = await servers();
    try {
      const variables = [
        { name: "ranker", times: 3 },
        { name: "deploy-a", times: 7 },
        { name: "ranker" },
      ];
      const first = await s.ask(s.jit, QUERY, variables[0] as Record<string, unknown>);
      expect(s.stats).toEqual({ compiled: 0, jit: 0, graphqlJs: 1 });
      for (const v of variables) {
        const [viaJit, viaJs] = [await s.ask(s.jit, QUERY, v), await s.ask(s.plain, QUERY, v)];
        expect(viaJit).toEqual(viaJs);
      }
      expect(first.result.data).toEqual({ named: { name: "ranker:alice", version: 3 } });
      expect(s.stats).toEqual({ compiled: 1, jit: 3, graphqlJs: 1 });
    } finally {
      await s.stop();
    }
  });

  it("answers variables that do not coerce as graphql-js does (BAD_USER_INPUT, HTTP 400), compiled or not", async () => {
    const s = await servers();
    try {
      await s.ask(s.jit, QUERY, { name: "ranker" });
      await s.ask(s.jit, QUERY, { name: "ranker" });
      expect(s.stats.compiled).toBe(1);
      const bad = { name: "ranker", times: "three" };
      const [viaJit, viaJs] = [await s.ask(s.jit, QUERY, bad), await s.ask(s.plain, QUERY, bad)];
      expect(viaJit).toEqual(viaJs);
      expect(viaJit.status).toBe(400);
      expect(viaJit.result.errors?.[0]?.extensions?.["code"]).toBe("BAD_USER_INPUT");
    } finally {
      await s.stop();
    }
  });

  it("masks a resolver's fault the same way when compiled", async () => {
    const s = await servers();
    try {
      const query = "{ broken named(name: \"x\") { name } }";
      for (let i = 0; i < 3; i++) {
        const [viaJit, viaJs] = [await s.ask(s.jit, query, {}), await s.ask(s.plain, query, {})];
        expect(viaJit).toEqual(viaJs);
        expect(JSON.stringify(viaJit)).not.toContain("secret");
        expect(viaJit.result.errors).toEqual([{ message: "Internal server error", path: ["broken"], extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
      }
      expect(s.stats.jit).toBe(2);
    } finally {
      await s.stop();
    }
  });

  it("keeps a registry error's and a GraphQL error's code, message, path and locations when compiled", async () => {
    const failing = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: "Query",
        fields: {
          x: {
            type: GraphQLString,
            resolve: () => {
              throw new GraphQLError("not allowed", { extensions: { code: "FORBIDDEN" } });
            },
          },
          y: {
            type: GraphQLString,
            resolve: () => {
              throw new NotFoundError("no model ranker in backend git", { backend: "git" });
            },
          },
        },
      }),
    });
    const { gateway } = jitGateway(failing);
    const server = new ApolloServer<GatewayContext>({ gateway, formatError: createFormatError({ mask: true }), includeStacktraceInErrorResponses: false });
    await server.start();
    try {
      for (let i = 0; i < 3; i++) {
        const res = await server.executeOperation({ query: "{ x y }" }, { contextValue: {} as GatewayContext });
        if (res.body.kind !== "single") throw new Error("expected a single result");
        expect(res.body.singleResult.errors).toEqual([
          { message: "not allowed", locations: [{ line: 1, column: 3 }], path: ["x"], extensions: { code: "FORBIDDEN" } },
          { message: "no model ranker in backend git", locations: [{ line: 1, column: 5 }], path: ["y"], extensions: { code: "NOT_FOUND", backend: "git" } },
        ]);
      }
    } finally {
      await server.stop();
    }
  });
});
