/**
 * Errors thrown by the client. `ModelgateError` is every failure to get an answer (transport,
 * HTTP, GraphQL errors without data); `ModelgateUserError` is a mutation the gateway refused
 * because of its input or the registry's state (nothing was changed).
 */

/** One entry of a GraphQL response's `errors` list, as the gateway sends it. */
export interface GraphQLErrorEntry {
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: {
    /** Stable code, e.g. NOT_FOUND, BAD_USER_INPUT, BACKEND_UNAVAILABLE. */
    code?: string;
    /** Backend id at fault, when one is. */
    backend?: string;
    /** Input field at fault ("environment", "first"). */
    field?: string;
    [key: string]: unknown;
  };
}

/**
 * Codes the client itself produces (the gateway's codes pass through unchanged):
 * - UNREACHABLE: no HTTP response (connection refused, DNS, reset).
 * - TIMEOUT: no complete response within `timeoutMs`.
 * - BAD_RESPONSE: a response that is not the JSON the gateway sends (a proxy's HTML page, ...).
 * - HTTP_ERROR: a non-2xx status without a gateway error body.
 */
export const CLIENT_ERROR_CODES = ["UNREACHABLE", "TIMEOUT", "BAD_RESPONSE", "HTTP_ERROR"] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

export interface ModelgateErrorDetails {
  /** Backend id at fault, from `extensions.backend`. */
  backend?: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Every GraphQL error of the response (empty for transport errors). */
  errors?: GraphQLErrorEntry[];
  /** The URL that was requested. */
  url?: string;
  cause?: unknown;
}

export class ModelgateError extends Error {
  /** `extensions.code` of the first GraphQL error, the gateway's REST error code, or a client code. */
  readonly code: string;
  readonly backend?: string;
  readonly status?: number;
  readonly errors: readonly GraphQLErrorEntry[];
  readonly url?: string;

  constructor(code: string, message: string, details: ModelgateErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ModelgateError";
    this.code = code;
    this.errors = details.errors ?? [];
    if (details.backend !== undefined) this.backend = details.backend;
    if (details.status !== undefined) this.status = details.status;
    if (details.url !== undefined) this.url = details.url;
  }

  /** True when the gateway could not be reached or did not answer in time. */
  get isTransport(): boolean {
    return this.code === "UNREACHABLE" || this.code === "TIMEOUT";
  }
}

/** A mutation's business error: which input field (path from the argument, e.g. ["input", "version"]). */
export interface UserError {
  field: string[] | null;
  /** NOT_FOUND, ALREADY_EXISTS, INVALID_INPUT, CONFLICT, FORBIDDEN or UNSUPPORTED. */
  code: string;
  message: string;
}

export class ModelgateUserError extends Error {
  readonly userErrors: readonly UserError[];
  /** The mutation's field name, e.g. "aliasSet". */
  readonly mutation: string;

  constructor(mutation: string, userErrors: UserError[]) {
    super(`${mutation} was refused: ${userErrors.map(formatUserError).join("; ")}`);
    this.name = "ModelgateUserError";
    this.mutation = mutation;
    this.userErrors = userErrors;
  }

  /** The code shared by every user error, or undefined when they differ. */
  get code(): string | undefined {
    const codes = new Set(this.userErrors.map((e) => e.code));
    return codes.size === 1 ? [...codes][0] : undefined;
  }
}

/**
 * "input.version: no version 7 of \"triage\" (NOT_FOUND)". A message that already starts with the
 * field (the gateway's validation messages do) is not prefixed twice.
 */
export function formatUserError(e: UserError): string {
  const field = e.field?.join(".") ?? "";
  const bare = e.field?.[0] === "input" ? e.field.slice(1).join(".") : field;
  const message = bare && e.message.startsWith(`${bare}: `) ? e.message.slice(bare.length + 2) : e.message;
  return `${field ? `${field}: ` : ""}${message} (${e.code})`;
}

export function isModelgateError(err: unknown): err is ModelgateError {
  return err instanceof ModelgateError;
}

export function isModelgateUserError(err: unknown): err is ModelgateUserError {
  return err instanceof ModelgateUserError;
}
