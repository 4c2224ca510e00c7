/**
 * Who is calling. Bearer tokens from config (only their SHA-256 is stored) or JWTs verified against
 * the issuer's JWKS; both carry a subject and roles. Without an `auth` section the gateway runs in
 * loopback-only development mode: every caller is "anonymous" with every role, and only requests
 * addressed to a loopback name are answered (DNS rebinding: see isLoopbackHostHeader).
 *
 * In production mode a JWT must name this gateway in `aud` (auth.jwt.audience is then required):
 * otherwise any token the issuer minted for another service would be accepted here.
 */
import { createHash } from "node:crypto";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { Actor } from "../core/index.js";
import { ConfigError } from "../config/config-error.js";
import { JWT_AUDIENCE_REQUIRED, type AuthConfig } from "../config/schema.js";
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
  /**
   * The actor when the header carries a token verified lately and not expired, without waiting for
   * anything; undefined otherwise (then `authenticate` decides). The hot path of GET /v1/resolve.
   */
  verified(authorization: string | undefined): Actor | undefined;
}

/** How long a verified JWT is taken without verifying it again (ms), at most until it expires. */
export const VERIFIED_JWT_MS = 30_000;
/** Tokens remembered as verified (the map is emptied when full). */
const VERIFIED_TOKENS_MAX = 10_000;

export function sha256Hex(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}


export interface AuthenticatorOptions {
  /** server.mode: production requires auth.jwt.audience when JWTs are accepted. */
  mode?: "development" | "production";
}

export function createAuthenticator(auth: AuthConfig | undefined, opts: AuthenticatorOptions = {}): Authenticator {
  if (!auth) {
    return { enabled: false, authenticate: async () => DEVELOPMENT_ACTOR, verified: () => DEVELOPMENT_ACTOR };
  }
  if (opts.mode === "production" && auth.jwt !== undefined && auth.jwt.audience === undefined) {
    throw new ConfigError("the auth configuration cannot be used", [`auth.jwt.audience: ${JWT_AUDIENCE_REQUIRED}`]);
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

  // Tokens verified lately, so a client polling with the same token costs a map lookup: a config
  // token until the process ends (the config does not change under it), a JWT until it expires or
  // VERIFIED_JWT_MS passes, whichever comes first (a key the issuer withdrew stops working by then).
  const verified = new Map<string, { actor: Actor; until: number }>();
  const remember = (token: string, actor: Actor, until: number) => {
    if (verified.size >= VERIFIED_TOKENS_MAX) verified.clear();
    verified.set(token, { actor, until });
  };

  const verifiedActor = (authorization: string | undefined): Actor | undefined => {
    // "Bearer <token>" as clients send it; any other spelling takes the full path.
    if (authorization === undefined || !authorization.startsWith("Bearer ")) return undefined;
    const seen = verified.get(authorization.slice(7));
    return seen !== undefined && Date.now() < seen.until ? seen.actor : undefined;
  };

  return {
    enabled: true,
    verified: verifiedActor,
    async authenticate(authorization) {
      const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) throw new AuthenticationError("missing bearer token: send `Authorization: Bearer <token>`");
      const token = match[1] as string;
      const seen = verified.get(token);
      if (seen !== undefined) {
        if (Date.now() < seen.until) return seen.actor;
        verified.delete(token);
      }
      const known = tokens.get(sha256Hex(token));
      if (known) {
        remember(token, known, Number.POSITIVE_INFINITY);
        return known;
      }
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
        const actor: Actor = {
          id: subject,
          roles,
          ...(typeof email === "string" ? { email } : {}),
          ...(typeof name === "string" ? { displayName: name } : {}),
        };
        // jwtVerify accepted it up to exp + the clock tolerance; never past that.
        const expires = typeof payload.exp === "number" ? (payload.exp + jwt.clockToleranceSeconds) * 1000 : Number.POSITIVE_INFINITY;
        remember(token, actor, Math.min(expires, Date.now() + VERIFIED_JWT_MS));
        return actor;
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

/**
 * Whether a request's `Host` header names this machine's loopback: localhost, 127.0.0.0/8 or [::1],
 * with or without a port. A page on another site can make the browser send requests here through
 * DNS rebinding (its name resolving to 127.0.0.1), but then its own name is in `Host`. A request
 * without a Host header (HTTP/1.0) did not come from a browser and passes.
 */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined) return true;
  let hostname: string;
  try {
    const url = new URL(`http://${host}`);
    // Only a bare authority: "localhost@evil", "evil/x" or a user part are not Host headers.
    if (url.username !== "" || url.password !== "" || url.pathname !== "/" || url.search !== "" || url.hash !== "") return false;
    hostname = url.hostname;
  } catch {
    return false;
  }
  return isLoopback(hostname);
}

/** Why a request to a non-loopback name was refused (HTTP and WebSocket upgrades alike). */
export function notLoopbackHostMessage(host: string | undefined): string {
  return (
    `Host "${(host ?? "").slice(0, 200)}" is not a loopback name: without auth the gateway only answers requests addressed to ` +
    "localhost, 127.0.0.1 or [::1] (protection against DNS rebinding). Use one of those names, or configure auth."
  );
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}
