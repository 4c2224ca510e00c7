/**
 * Vertex AI failures as the contract's typed errors. gRPC status codes map as:
 * NOT_FOUND → NotFound, ALREADY_EXISTS → AlreadyExists, INVALID_ARGUMENT / FAILED_PRECONDITION /
 * OUT_OF_RANGE → InvalidInput, ABORTED (an etag that no longer matches) → Conflict,
 * PERMISSION_DENIED → Forbidden, UNAUTHENTICATED → Unauthorized, UNIMPLEMENTED → Unsupported, and
 * UNAVAILABLE / DEADLINE_EXCEEDED / RESOURCE_EXHAUSTED / INTERNAL / UNKNOWN / DATA_LOSS → Unavailable,
 * or DeadlineExceeded once the call's own deadline has passed or it was cancelled. Every message
 * names the backend's call and Vertex AI's own words.
 */
import { status } from "@grpc/grpc-js";
import {
  AlreadyExistsError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RegistryError,
  UnauthorizedError,
  UnavailableError,
  UnsupportedError,
  callEnded,
  clipMessage,
  deadlineError,
  isRegistryError,
  type CallContext,
} from "../../src/core/index.js";

/** The gRPC status code of a google-gax / grpc-js error, when it has one. */
export function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

function said(err: unknown): string {
  const details = (err as { details?: unknown } | null)?.details;
  const text = typeof details === "string" && details !== "" ? details : err instanceof Error ? err.message : String(err);
  return clipMessage(text);
}

/** Any failure of one Vertex AI call (`what`: "GetModel projects/…/models/x") as a typed error. */
export function toRegistryError(err: unknown, ctx: CallContext, backend: string, what: string): RegistryError {
  if (isRegistryError(err)) return err;
  const code = grpcCode(err);
  if (callEnded(ctx) && (code === undefined || code === status.CANCELLED || code === status.DEADLINE_EXCEEDED || code === status.UNAVAILABLE)) {
    return deadlineError(ctx, backend, `Vertex AI call ${what}`);
  }
  const text = `Vertex AI answered ${code === undefined ? "with an error" : status[code] ?? `code ${code}`} to ${what}: ${said(err)}`;
  const details = { backend, cause: err };
  switch (code) {
    case status.NOT_FOUND:
      return new NotFoundError(text, details);
    case status.ALREADY_EXISTS:
      return new AlreadyExistsError(text, details);
    case status.INVALID_ARGUMENT:
    case status.FAILED_PRECONDITION:
    case status.OUT_OF_RANGE:
      return new InvalidInputError(text, details);
    case status.ABORTED:
      return new ConflictError(`${text} (changed concurrently; read it again and retry)`, details);
    case status.PERMISSION_DENIED:
      return new ForbiddenError(`${text} (the backend's credentials lack a Vertex AI permission)`, details);
    case status.UNAUTHENTICATED:
      return new UnauthorizedError(`${text} (the backend's credentials were refused)`, details);
    case status.UNIMPLEMENTED:
      return new UnsupportedError(text, details);
    case undefined:
      return new UnavailableError(`Vertex AI call ${what} failed: ${said(err)}`, details);
    default:
      // UNAVAILABLE, DEADLINE_EXCEEDED (Vertex's own timeout), RESOURCE_EXHAUSTED, INTERNAL, UNKNOWN,
      // DATA_LOSS, CANCELLED by the server: the call may succeed later.
      return new UnavailableError(text, details);
  }
}
