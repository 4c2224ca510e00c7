/**
 * Queries and mutations over HTTP POST /graphql on the console's own origin, with the session's
 * bearer token. Documents are the typed strings codegen makes from ui/src/graphql/operations.
 */
import { getToken } from "../auth/session";
import type { TypedDocumentString } from "./generated";

export const GRAPHQL_PATH = "/graphql";

export interface GraphQLErrorLike {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** The request failed as a whole: no data came back. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly errors: readonly GraphQLErrorLike[] = [],
  ) {
    super(message);
    this.name = "RequestError";
  }

  get unauthenticated(): boolean {
    return this.status === 401 || this.code === "UNAUTHENTICATED";
  }
}

export interface Result<T> {
  data: T;
  /** Errors next to the data (e.g. a backend that failed while the others answered). */
  errors: readonly GraphQLErrorLike[];
}

interface ResponseBody {
  data?: unknown;
  errors?: GraphQLErrorLike[];
  error?: { code?: string; message?: string };
}

function codeOf(errors: readonly GraphQLErrorLike[] | undefined): string | undefined {
  const code = errors?.[0]?.extensions?.["code"];
  return typeof code === "string" ? code : undefined;
}

export async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  signal?: AbortSignal,
): Promise<Result<TResult>> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/graphql-response+json, application/json",
  };
  const token = getToken();
  if (token !== null) headers["authorization"] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: "POST",
      headers,
      body: JSON.stringify({ query: document.toString(), variables }),
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new RequestError("the gateway could not be reached; is it running?", 0, "NETWORK");
  }
  let body: ResponseBody | undefined;
  try {
    body = (await response.json()) as ResponseBody;
  } catch {
    body = undefined;
  }
  const errors = body?.errors ?? [];
  if (body === undefined || body.data === undefined || body.data === null) {
    const message = errors[0]?.message ?? body?.error?.message ?? `the gateway answered ${response.status} ${response.statusText}`;
    throw new RequestError(message, response.status, codeOf(errors) ?? body?.error?.code, errors);
  }
  return { data: body.data as TResult, errors };
}
