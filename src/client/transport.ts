/**
 * One HTTP exchange with the gateway: fetch under a timeout, transport failures turned into
 * ModelgateError (UNREACHABLE, TIMEOUT), the body read as JSON (BAD_RESPONSE when it is not).
 */
import { ModelgateError } from "./errors.js";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface Exchange {
  status: number;
  headers: Headers;
  /** Parsed JSON body; undefined for bodiless answers (304, HEAD). */
  body: unknown;
}

export async function exchange(fetchImpl: FetchLike, url: string, init: RequestInit, timeoutMs: number): Promise<Exchange> {
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetchImpl(url, { ...init, signal });
  } catch (err) {
    throw transportError(err, url, timeoutMs);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw transportError(err, url, timeoutMs);
  }
  if (res.status === 304 || text.length === 0) return { status: res.status, headers: res.headers, body: undefined };
  try {
    return { status: res.status, headers: res.headers, body: JSON.parse(text) as unknown };
  } catch {
    throw new ModelgateError(
      "BAD_RESPONSE",
      `the gateway at ${url} answered HTTP ${res.status} with a body that is not JSON (${describeBody(res, text)}); is the URL a modelgate gateway?`,
      { status: res.status, url },
    );
  }
}

function transportError(err: unknown, url: string, timeoutMs: number): ModelgateError {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return new ModelgateError("TIMEOUT", `no answer from the gateway at ${url} within ${timeoutMs} ms`, { url, cause: err });
  }
  return new ModelgateError("UNREACHABLE", `gateway unreachable at ${url}: ${causeText(err)}`, { url, cause: err });
}

/** The innermost useful message: fetch wraps socket errors as TypeError("fetch failed") with a cause. */
function causeText(err: unknown): string {
  let current: unknown = err;
  let text = String((err as Error | undefined)?.message ?? err);
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const { message, code } = current as { message?: unknown; code?: unknown };
    if (typeof message === "string" && message && message !== "fetch failed") text = message;
    else if (typeof code === "string") text = code;
    current = (current as { cause?: unknown }).cause;
  }
  return text;
}

function describeBody(res: Response, text: string): string {
  const type = res.headers.get("content-type") ?? "no content-type";
  const start = text.slice(0, 60).replace(/\s+/g, " ");
  return `${type}: ${JSON.stringify(start)}${text.length > 60 ? "..." : ""}`;
}
