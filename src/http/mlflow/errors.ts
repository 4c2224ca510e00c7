/**
 * MLflow's error answers: `{"error_code", "message"}` with the HTTP status MLflow's server gives
 * each code (mlflow/exceptions.py). MLflow's client reads the code from the body, and retries 408,
 * 429 and 5xx: a refusal that a retry cannot change must be a 4xx.
 */
import type { ServerResponse } from "node:http";
import { isRegistryError, type ErrorCode, type RegistryError } from "../../core/index.js";
import { sendJson } from "../respond.js";

export const MLFLOW_STATUS: Readonly<Record<string, number>> = {
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  REQUEST_LIMIT_EXCEEDED: 429,
  ABORTED: 409,
  RESOURCE_CONFLICT: 409,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
};

export class MlflowApiError extends Error {
  readonly status: number;

  constructor(
    readonly errorCode: string,
    message: string,
    status?: number,
  ) {
    super(message);
    this.name = "MlflowApiError";
    this.status = status ?? MLFLOW_STATUS[errorCode] ?? 500;
  }
}

export function invalidParameter(message: string): MlflowApiError {
  return new MlflowApiError("INVALID_PARAMETER_VALUE", message);
}

/** The gateway's typed errors in MLflow's words. */
const BY_CODE: Readonly<Record<ErrorCode, string>> = {
  NOT_FOUND: "RESOURCE_DOES_NOT_EXIST",
  ALREADY_EXISTS: "RESOURCE_ALREADY_EXISTS",
  INVALID_INPUT: "INVALID_PARAMETER_VALUE",
  CONFLICT: "RESOURCE_CONFLICT",
  UNAVAILABLE: "TEMPORARILY_UNAVAILABLE",
  // The gateway's own credentials for the backend were refused: a retry will not help the caller.
  UNAUTHORIZED: "PERMISSION_DENIED",
  FORBIDDEN: "PERMISSION_DENIED",
  DEADLINE_EXCEEDED: "DEADLINE_EXCEEDED",
  UNSUPPORTED: "NOT_IMPLEMENTED",
};

export function fromRegistryError(err: RegistryError): MlflowApiError {
  return new MlflowApiError(BY_CODE[err.code], err.message);
}

/** Any error as an MLflow answer; unexpected ones are masked when `mask` (production mode). */
export function toMlflowError(err: unknown, mask: boolean): MlflowApiError {
  if (err instanceof MlflowApiError) return err;
  if (isRegistryError(err)) return fromRegistryError(err);
  return new MlflowApiError("INTERNAL_ERROR", mask ? "Internal server error" : err instanceof Error ? err.message : String(err));
}

export function sendMlflowError(res: ServerResponse, err: MlflowApiError, headers: Record<string, string> = {}): void {
  sendJson(res, err.status, { error_code: err.errorCode, message: err.message }, headers);
}
