/**
 * The GraphQL reference of the bench: an untuned Apollo Server 5 + type-graphql server answering the
 * bench's resolve query from memory (a captured answer), with Apollo's defaults, standalone server
 * included. modelgate's GraphQL resolve is compared with it in the same run (issue 12, goal 2).
 * Prints "listening <port>" once ready.
 *
 *   node --import tsx bench/apollo-untuned-server.ts <resolve-data.json>
 */
import "reflect-metadata";
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { GraphQLJSON, GraphQLJSONObject } from "graphql-scalars";
import { Arg, Field, InterfaceType, ObjectType, Query, Resolver, buildSchema } from "type-graphql";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: apollo-untuned-server.ts <resolve-data.json>\n");
  process.exit(2);
}
const captured = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;

@ObjectType()
class GenerationConfig {
  @Field(() => String) model!: string;
  @Field(() => String, { nullable: true }) promptRef?: string;
  @Field(() => String, { nullable: true }) toolsRef?: string;
  @Field(() => GraphQLJSONObject) params!: Record<string, unknown>;
}

@ObjectType()
class Version {
  @Field(() => String) version!: string;
  @Field(() => String) stage!: string;
  @Field(() => String, { nullable: true }) artifactUri?: string;
  @Field(() => GenerationConfig, { nullable: true }) generationConfig?: GenerationConfig;
}

@ObjectType()
class Prompt {
  @Field(() => String) name!: string;
  @Field(() => String) version!: string;
  @Field(() => String) template!: string;
}

@ObjectType()
class ToolSet {
  @Field(() => String) name!: string;
  @Field(() => String) version!: string;
  @Field(() => GraphQLJSON) tools!: unknown;
}

@InterfaceType({ resolveType: () => "ResolvedEntry" })
abstract class Resolution {
  @Field(() => String) registryVersion!: string;
  @Field(() => String) etag!: string;
}

@ObjectType({ implements: Resolution })
class ResolvedEntry extends Resolution {
  @Field(() => String) selectedBy!: string;
  @Field(() => Version) version!: Version;
  @Field(() => Prompt, { nullable: true }) prompt?: Prompt;
  @Field(() => ToolSet, { nullable: true }) tools?: ToolSet;
}

@Resolver()
class ResolveResolver {
  @Query(() => Resolution)
  resolve(@Arg("name", () => String) _name: string, @Arg("environment", () => String) _environment: string): ResolvedEntry {
    return structuredClone(captured) as unknown as ResolvedEntry;
  }
}

const schema = await buildSchema({ resolvers: [ResolveResolver], orphanedTypes: [ResolvedEntry], validate: false });
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
process.stdout.write(`listening ${new URL(url).port}\n`);
process.on("SIGTERM", () => void server.stop().then(() => process.exit(0)));
