/**
 * Typed errors of the adapter contract. Every adapter throws these (never raw HTTP or SDK errors),
 * and the API maps `code` to a stable GraphQL `extensions.code`.
 */
export const ERROR_CODES = [
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "INVALID_INPUT",
  "CONFLICT",
  "UNAVAILABLE",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "DEADLINE_EXCEEDED",
  "UNSUPPORTED",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface RegistryErrorDetails {
  /** Backend id the error came from, when it came from one. */
  backend?: string;
  /** Input field at fault, as a dotted path relative to the input ("version", "generationConfig.promptRef"). */
  field?: string;
  /** For invalid registry content: file, line and field of the problem. */
  file?: string;
  line?: number;
  cause?: unknown;
}

export class RegistryError extends Error {
  readonly code: ErrorCode;
  readonly backend?: string;
  readonly field?: string;
  readonly file?: string;
  readonly line?: number;

  constructor(code: ErrorCode, message: string, details: RegistryErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    if (details.backend !== undefined) this.backend = details.backend;
    if (details.field !== undefined) this.field = details.field;
    if (details.file !== undefined) this.file = details.file;
    if (details.line !== undefined) this.line = details.line;
  }
}

export class NotFoundError extends RegistryError {
  constructor(message: string, details?: RegistryErrorDetails) {
    super("NOT_FOUND", message, details);
  }
}
export class AlreadyExistsError extends RegistryError {
  constructor(message: string, details?: RegistryErrorDetails) {
    super("ALREADY_EXISTS", message, details);
  }
}
export class InvalidInputError extends RegistryError {
  constructor(message: string, details?: RegistryErrorDetails) {
    super("INVALID_INPUT", message, details);
  }
}
export class ConflictError extends RegistryError {
  constructor(message: string, details?: RegistryErrorDetails) {
    super("CONFLICT", message, details);
  }
}
/** The backend cannot be reached or answered with a server fault; the call may succeed later. */
export class UnavailableError extends RegistryError {
  constructor(message: string, details?: RegistryErrorDetails) {
    super("UNAVAILABLE", message, details);
  }
}
/** The gateway's credentials for the backend were refused. */
export class UnauthorizedError extends RegistryError {
  constructor(message: string, details?: RegistryErrorDetails) {
    super("UNAUTHORIZED", message, details);
  }
}
/** The acting user may not do this. */
export class ForbiddenError extends RegistryError {
  constructor(message: string, details?: RegistryErrorDetails) {
    super("FORBIDDEN", message, details);
  }
}
export class DeadlineExceededError extends RegistryError {
  constructor(message: string, details?: RegistryErrorDetails) {
    super("DEADLINE_EXCEEDED", message, details);
  }
}
/** The backend has no such capability (e.g. asOf on a backend without history). */
export class UnsupportedError extends RegistryError {
  constructor(message: string, details?: RegistryErrorDetails) {
    super("UNSUPPORTED", message, details);
  }
}

export function isRegistryError(err: unknown): err is RegistryError {
  return err instanceof RegistryError;
}

/** One line naming what went wrong: "CODE: message" for a registry error, the message otherwise. */
export function describeError(err: unknown): string {
  if (isRegistryError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Errors worth retrying: the backend may answer differently a moment later. */
export function isTransient(err: unknown): boolean {
  return isRegistryError(err) && (err.code === "UNAVAILABLE" || err.code === "DEADLINE_EXCEEDED");
}

/** Socket-level failures (refused, reset, unresolvable, timed out): the request may never have reached the backend. */
export const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "ECONNABORTED",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "UND_ERR_SOCKET",
]);
