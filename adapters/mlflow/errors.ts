/**
 * MLflow failures as the contract's typed errors. MLflow answers `{"error_code", "message"}`;
 * connection failures and timeouts have no answer at all. Every error names the backend, the
 * request that failed and MLflow's own words, and never the credentials.
 */
import axios from "axios";
import {
  CONNECTION_ERROR_CODES,
  AlreadyExistsError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RegistryError,
  UnauthorizedError,
  UnavailableError,
  callEnded,
  clipMessage,
  deadlineError,
  describeCall,
  isRegistryError,
  type CallContext,
  type RegistryErrorDetails,
} from "../../src/core/index.js";

/** MLflow's `{error_code, message}` body, when it sent one. */
export interface MlflowErrorBody {
  error_code?: string;
  message?: string;
}

/** What the failed request was, for the message: `GET registered-models/get (model "x")`. */
export interface RequestLabel {
  method: string;
  path: string;
  subject?: string;
}

/** A missing alias is INVALID_PARAMETER_VALUE in MLflow, not RESOURCE_DOES_NOT_EXIST. */
const MISSING_ALIAS_RE = /alias \S+ not found/i;

export function describeRequest(label: RequestLabel): string {
  return describeCall(`${label.method} ${label.path}`, label.subject);
}

/** Maps an MLflow answer with an error status to a typed error. */
export function errorFromResponse(status: number, body: unknown, backend: string, label: RequestLabel): RegistryError {
  const parsed: MlflowErrorBody = typeof body === "object" && body !== null ? (body as MlflowErrorBody) : {};
  const code = typeof parsed.error_code === "string" ? parsed.error_code : undefined;
  const said = typeof parsed.message === "string" ? clipMessage(parsed.message) : typeof body === "string" ? clipMessage(body) : "";
  const what = describeRequest(label);
  const text = `MLflow answered ${code ?? `HTTP ${status}`} to ${what}${said ? `: ${said}` : ""}`;
  const details: RegistryErrorDetails = { backend };

  if (code === "RESOURCE_DOES_NOT_EXIST") return new NotFoundError(text, details);
  if (code === "RESOURCE_ALREADY_EXISTS") return new AlreadyExistsError(text, details);
  if (code === "INVALID_PARAMETER_VALUE" && MISSING_ALIAS_RE.test(said)) return new NotFoundError(text, details);
  if (code === "PERMISSION_DENIED" || status === 403) return new ForbiddenError(text, details);
  if (code === "UNAUTHENTICATED" || status === 401) {
    return new UnauthorizedError(`${text} (the credentials in this backend's auth config were refused)`, details);
  }
  if (status >= 500 || status === 429 || code === "TEMPORARILY_UNAVAILABLE" || code === "REQUEST_LIMIT_EXCEEDED") {
    return new UnavailableError(text, details);
  }
  if (code === undefined) {
    // A 4xx without MLflow's error body: a proxy or something that is not MLflow answered.
    return new UnavailableError(`${text} (not an MLflow API answer: is trackingUri the MLflow server?)`, details);
  }
  return new InvalidInputError(text, details);
}

/**
 * Any failure of one request as a typed error. Cancellation and a passed deadline are
 * DEADLINE_EXCEEDED; no answer (refused, reset, timed out) is UNAVAILABLE.
 */
export function toRegistryError(err: unknown, ctx: CallContext, backend: string, label: RequestLabel, origin: string): RegistryError {
  if (isRegistryError(err)) return err;
  const what = describeRequest(label);
  if (axios.isAxiosError(err)) {
    if (err.response) return errorFromResponse(err.response.status, err.response.data, backend, label);
    if (callEnded(ctx) || axios.isCancel(err) || err.code === "ERR_CANCELED") return deadlineError(ctx, backend, `MLflow request ${what}`);
    const code = err.code ?? "";
    const reason = CONNECTION_ERROR_CODES.has(code) ? code : clipMessage(err.message || code || "no answer");
    return new UnavailableError(`MLflow at ${origin} did not answer ${what}: ${reason}`, { backend });
  }
  if (callEnded(ctx)) return deadlineError(ctx, backend, `MLflow request ${what}`);
  const message = err instanceof Error ? err.message : String(err);
  return new UnavailableError(`MLflow request ${what} failed: ${clipMessage(message)}`, { backend });
}

/** Worth retrying a write after: MLflow may not have seen it, or failed transiently. */
export function isRetryableWriteFailure(err: unknown): boolean {
  return isRegistryError(err) && err.code === "UNAVAILABLE";
}
