/**
 * SageMaker (AWS SDK v3) failures as the contract's typed errors. Every error names the backend's
 * region, the operation that failed and SageMaker's own words, and never a credential: AWS may echo
 * the signed request (session token included) in a signature error, so messages are redacted.
 */
import {
  CONNECTION_ERROR_CODES,
  AlreadyExistsError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RegistryError,
  UnauthorizedError,
  UnavailableError,
  callEnded,
  clipMessage,
  deadlineError,
  describeCall as describeOperation,
  isRegistryError,
  type CallContext,
} from "../../src/core/index.js";

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ProvisionedThroughputExceededException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalFailure",
  "InternalServerError",
  "InternalServerException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);

const CREDENTIALS_REFUSED = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "IncompleteSignatureException",
  "MissingAuthenticationToken",
  "MissingAuthenticationTokenException",
  "ExpiredToken",
  "ExpiredTokenException",
  "RequestExpired",
  "AuthFailure",
  "CredentialsProviderError",
]);

const FORBIDDEN = new Set(["AccessDeniedException", "AccessDenied", "NotAuthorized", "UnauthorizedOperation"]);


/** How SageMaker says a model package group or model package is not there. */
const MISSING_RE = /does not exist|not found|could not find/i;

/** The parts of an AWS SDK v3 error this module reads. */
interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

export interface ErrorScope {
  /** Backend id: on every error. */
  backend: string;
  /** "SageMaker in eu-west-1": how the messages name the service. */
  service: string;
  /** Texts that must never appear in a message (secret key, session token). */
  secrets: readonly string[];
}

/** What the failed call was: `DescribeModelPackage (version 3 of "churn")`. */
export interface CallLabel {
  operation: string;
  subject?: string;
}

export function describeCall(label: CallLabel): string {
  return describeOperation(label.operation, label.subject);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join("[redacted]");
  return out;
}

/** Any failure of one SDK call as a typed error. */
export function toRegistryError(err: unknown, ctx: CallContext, scope: ErrorScope, label: CallLabel): RegistryError {
  if (isRegistryError(err)) return err;
  const what = describeCall(label);
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as SdkErrorLike;
  const name = typeof e.name === "string" ? e.name : "Error";
  const status = e.$metadata?.httpStatusCode;
  const said = clipMessage(redact(typeof e.message === "string" ? e.message : "", scope.secrets));
  const details = { backend: scope.backend };

  if (name === "AbortError" || callEnded(ctx)) return deadlineError(ctx, scope.backend, `${scope.service} call ${what}`);

  const text = `${scope.service} answered ${name}${status === undefined ? "" : ` (HTTP ${status})`} to ${what}${said ? `: ${said}` : ""}`;
  if (CREDENTIALS_REFUSED.has(name)) {
    return new UnauthorizedError(`${text} (the credentials of this backend were refused)`, details);
  }
  if (FORBIDDEN.has(name) || status === 403) {
    return new ForbiddenError(`${text} (the backend's IAM identity may not do this)`, details);
  }
  if (status === undefined) {
    // No HTTP answer: the request may never have reached SageMaker.
    const code = typeof e.code === "string" ? e.code : "";
    const reason = CONNECTION_ERROR_CODES.has(code) ? `${code}: ${said}` : said || name;
    return new UnavailableError(`${scope.service} did not answer ${what}: ${reason}`, details);
  }
  if (THROTTLING.has(name) || status === 429 || status >= 500 || e.$fault === "server") {
    return new UnavailableError(text, details);
  }
  if (name === "ResourceNotFound" || name === "ResourceNotFoundException") return new NotFoundError(text, details);
  if (name === "ConflictException") return new ConflictError(text, details);
  if (name === "ResourceInUse" || name === "ResourceInUseException") return new AlreadyExistsError(text, details);
  if (name === "InvalidToken" || name === "InvalidNextToken" || name === "InvalidPaginationToken") {
    return new InvalidInputError(`after: SageMaker no longer accepts this cursor (${said || name}); list again from the first page`, {
      ...details,
      field: "after",
    });
  }
  if (name === "ValidationException" && MISSING_RE.test(said)) return new NotFoundError(text, details);
  if (name === "ResourceLimitExceeded") return new InvalidInputError(`${text} (an account quota of SageMaker is reached)`, details);
  if (status >= 400) return new InvalidInputError(text, details);
  return new UnavailableError(text, details);
}

/** Worth retrying a write after (with the same idempotency token): SageMaker may not have seen it. */
export function isRetryableWrite(err: unknown): boolean {
  return isRegistryError(err) && (err.code === "UNAVAILABLE" || err.code === "CONFLICT");
}
