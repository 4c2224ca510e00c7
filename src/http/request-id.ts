import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is safe to echo and log, a fresh UUID otherwise. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && SAFE.test(value) ? value : randomUUID();
}
