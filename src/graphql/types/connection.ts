/**
 * Relay cursor connections: `<Name>Edge { cursor node }` and `<Name>Connection { edges nodes
 * pageInfo }` for a node type, made once here instead of written out per type.
 */
import { Field, ObjectType, type ClassType } from "type-graphql";
import { PageInfo } from "./common.js";

export interface EdgeShape {
  cursor: string;
  node: unknown;
}

export interface ConnectionShape {
  edges: EdgeShape[];
  nodes: unknown[];
  pageInfo: PageInfo;
}

/**
 * `extensible: true` makes the connection a base class so a subclass can add fields
 * (e.g. ModelConnection.failedBackends) under the `<Name>Connection` name.
 */
export function connectionTypes(
  name: string,
  nodeType: () => ClassType,
  opts: { extensible?: boolean } = {},
): { Edge: ClassType<EdgeShape>; Connection: ClassType<ConnectionShape> } {
  @ObjectType(`${name}Edge`)
  class Edge implements EdgeShape {
    @Field(() => String)
    cursor!: string;

    @Field(nodeType)
    node!: unknown;
  }

  class Connection implements ConnectionShape {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [nodeType()])
    nodes!: unknown[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }

  // An extensible base gets a name of its own that no field refers to, so it never reaches the
  // schema; the subclass adding fields is the <Name>Connection there.
  ObjectType(opts.extensible ? `${name}ConnectionBase` : `${name}Connection`)(Connection);
  return { Edge, Connection };
}
