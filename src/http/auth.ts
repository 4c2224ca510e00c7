/**
 * Who is calling. Bearer tokens from config (only their SHA-256 is stored) or JWTs verified against
 * the issuer's JWKS; both carry a subject and roles. Without an `auth` section the gateway runs in
 * loopback-only development mode: every caller is "anonymous" with every role.
 */
import { createHash } from "node:crypto";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { Actor } from "../core/index.js";
import type { AuthConfig } from "../config/schema.js";
import { ROLES, type Role } from "../core/roles.js";

export class AuthenticationError extends Error {
  readonly status = 401;
}

export class AuthorizationError extends Error {
  readonly status = 403;
}

export const DEVELOPMENT_ACTOR: Actor = Object.freeze({ id: "anonymous", displayName: "anonymous (development mode)", roles: Object.freeze([...ROLES]) });

export interface Authenticator {
  /** False in development mode (no auth configured). */
  readonly enabled: boolean;
  /** The actor of an `Authorization` header value; throws AuthenticationError when it is missing or invalid. */
  authenticate(authorization: string | undefined): Promise<Actor>;
}

export function sha256Hex(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}


export function createAuthenticator(auth: AuthConfig | undefined): Authenticator {
  if (!auth) {
    return { enabled: false, authenticate: async () => DEVELOPMENT_ACTOR };
  }
  const tokens = new Map(
    auth.tokens.map((t) => [
      t.sha256,
      {
        id: t.subject,
        roles: [...t.roles],
        ...(t.displayName === undefined ? {} : { displayName: t.displayName }),
        ...(t.email === undefined ? {} : { email: t.email }),
      } satisfies Actor,
    ]),
  );
  const jwt = auth.jwt;
  const jwks = jwt ? createRemoteJWKSet(new URL(jwt.jwksUri), { timeoutDuration: 5_000, cooldownDuration: 30_000 }) : undefined;

  return {
    enabled: true,
    async authenticate(authorization) {
      const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) throw new AuthenticationError("missing bearer token: send `Authorization: Bearer <token>`");
      const token = match[1] as string;
      const known = tokens.get(sha256Hex(token));
      if (known) return known;
      if (jwt && jwks && token.split(".").length === 3) {
        let payload: JWTPayload;
        try {
          ({ payload } = await jwtVerify(token, jwks, {
            issuer: jwt.issuer,
            ...(jwt.audience === undefined ? {} : { audience: jwt.audience }),
            clockTolerance: jwt.clockToleranceSeconds,
          }));
        } catch (err) {
          throw new AuthenticationError(`invalid token: ${describeJoseError(err)}`);
        }
        const subject = claim(payload, jwt.subjectClaim);
        if (typeof subject !== "string" || subject.length === 0) {
          throw new AuthenticationError(`invalid token: claim "${jwt.subjectClaim}" is missing`);
        }
        const raw = claim(payload, jwt.rolesClaim);
        const list = Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(/[\s,]+/) : [];
        const roles = list.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r));
        const email = payload.email;
        const name = payload.name;
        return {
          id: subject,
          roles,
          ...(typeof email === "string" ? { email } : {}),
          ...(typeof name === "string" ? { displayName: name } : {}),
        };
      }
      throw new AuthenticationError("invalid token");
    },
  };
}

function claim(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return "it has expired";
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim "${err.claim}" ${err.reason === "check_failed" ? "does not match" : err.reason}`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return "its signature does not verify";
  if (err instanceof joseErrors.JWKSNoMatchingKey) return "no key of the issuer matches it";
  if (err instanceof joseErrors.JWKSTimeout) return "the issuer's keys could not be fetched in time";
  if (err instanceof joseErrors.JOSEError) return err.message;
  return "it could not be verified";
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}
