import { GraphQLError } from "graphql";
import type { PageInfo } from "../types/common.js";

export const DEFAULT_PAGE_SIZE = 20;

/** Validates `first` against the server's cap (≤ 100): a clear error instead of a silent clamp. */
export function pageSize(first: number | undefined | null, max: number): number {
  const n = first ?? Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new GraphQLError(`first must be between 1 and ${max}, got ${String(first)}`, {
      extensions: { code: "BAD_USER_INPUT", field: "first" },
    });
  }
  return n;
}

export function connection<T>(
  edges: { item: T; cursor: string }[],
  hasNextPage: boolean,
  endCursor: string | undefined,
): { edges: { node: T; cursor: string }[]; nodes: T[]; pageInfo: PageInfo } {
  return {
    edges: edges.map((e) => ({ node: e.item, cursor: e.cursor })),
    nodes: edges.map((e) => e.item),
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? endCursor ?? null,
    },
  };
}

/** Roots read at a past time carry it, so nested fields read at the same time. */
export type AsOfRoot<T> = T & { asOf?: Date };

export function withAsOf<T extends object>(value: T, asOf: Date | undefined): AsOfRoot<T> {
  return asOf === undefined ? value : { ...value, asOf };
}
