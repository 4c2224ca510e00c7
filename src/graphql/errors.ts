/**
 * Error policy of the API. Typed registry errors become GraphQL errors with a stable
 * `extensions.code` (and `extensions.backend` when a backend is at fault); in mutations, business
 * errors become `userErrors` instead. Anything else is a fault: masked in production.
 */
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { isRegistryError, type ErrorCode, type RegistryError } from "../core/index.js";
import type { UserError } from "./types/common.js";

/** Stable extensions.code values, by typed error. */
export const GRAPHQL_CODES: Record<ErrorCode, string> = {
  NOT_FOUND: "NOT_FOUND",
  ALREADY_EXISTS: "ALREADY_EXISTS",
  INVALID_INPUT: "BAD_USER_INPUT",
  CONFLICT: "CONFLICT",
  UNAVAILABLE: "BACKEND_UNAVAILABLE",
  UNAUTHORIZED: "BACKEND_UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  DEADLINE_EXCEEDED: "DEADLINE_EXCEEDED",
  UNSUPPORTED: "UNSUPPORTED",
};

/** Codes that are safe to show as they are, in every mode. */
const PUBLIC_CODES = new Set<string>([
  ...Object.values(GRAPHQL_CODES),
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "QUERY_TOO_COMPLEX",
  "UNAUTHENTICATED",
]);

const BUSINESS: ReadonlySet<ErrorCode> = new Set(["NOT_FOUND", "ALREADY_EXISTS", "INVALID_INPUT", "CONFLICT", "FORBIDDEN", "UNSUPPORTED"]);

export function registryErrorExtensions(err: RegistryError): Record<string, unknown> {
  return {
    code: GRAPHQL_CODES[err.code],
    ...(err.backend === undefined ? {} : { backend: err.backend }),
    ...(err.field === undefined ? {} : { field: err.field }),
    ...(err.file === undefined ? {} : { file: err.file }),
    ...(err.line === undefined ? {} : { line: err.line }),
  };
}

export function toGraphQLError(err: RegistryError, path?: readonly (string | number)[]): GraphQLError {
  return new GraphQLError(err.message, {
    ...(path === undefined ? {} : { path }),
    originalError: err,
    extensions: registryErrorExtensions(err),
  });
}

/**
 * Runs a mutation's work: business errors become userErrors (nothing changed), faults propagate.
 * The error's field becomes a path below "input".
 */
export async function withUserErrors<P extends { userErrors: UserError[] }>(
  work: () => Promise<Omit<P, "userErrors">>,
  empty: Omit<P, "userErrors">,
  /** Core field names that the GraphQL input spells differently (e.g. modelName -> model). */
  renamed: Readonly<Record<string, string>> = {},
): Promise<P> {
  try {
    const result = await work();
    return { ...result, userErrors: [] } as unknown as P;
  } catch (err) {
    if (isRegistryError(err) && BUSINESS.has(err.code)) {
      const userError: UserError = {
        code: err.code as UserError["code"],
        message: err.message,
        field: err.field === undefined ? null : ["input", ...err.field.split(".").map((part) => renamed[part] ?? part)],
      };
      return { ...empty, userErrors: [userError] } as unknown as P;
    }
    throw err;
  }
}

export interface FormatErrorOptions {
  /** Mask unexpected errors ("Internal server error"): true in production. */
  mask: boolean;
}

export function createFormatError(opts: FormatErrorOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (isRegistryError(original)) {
      return { ...formatted, message: original.message, extensions: registryErrorExtensions(original) };
    }
    const code = typeof formatted.extensions?.code === "string" ? formatted.extensions.code : "INTERNAL_SERVER_ERROR";
    if (PUBLIC_CODES.has(code)) {
      // Never leak stack traces, whatever the mode.
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (opts.mask) {
      return {
        message: "Internal server error",
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      };
    }
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, code: "INTERNAL_SERVER_ERROR" } };
  };
}
