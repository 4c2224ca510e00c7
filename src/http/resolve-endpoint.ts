/**
 * GET /v1/resolve/{name}?env=ENV — the resolve query as plain HTTP for applications at startup:
 * JSON body, strong ETag, and 304 on If-None-Match so polling costs one small round trip.
 *
 * A deployment's ETag is its running revision's content hash, known from the store alone: a 304
 * for a deployment reads no backend.
 *
 * Drift is flagged on every answer, 304 included: `X-Modelgate-Drift` names its kind
 * (UNAPPROVED_IN_STAGE, OUT_OF_BAND_CHANGE) when the backend and the promotion trail disagree, and a
 * model's answer says where its version comes from in `X-Modelgate-Served-From` (BACKEND, or TRAIL
 * when the environment's resolveFrom is trail).
 */
import type { ServerResponse } from "node:http";
import { isRegistryError, type CallContext } from "../core/index.js";
import { GRAPHQL_CODES } from "../graphql/errors.js";
import type { DriftFlag, EntryResolver, ResolvedEntry } from "../catalog/resolve-entry.js";
import { deploymentEtag, deploymentRegistryVersion, type DeploymentResolver, type ResolvedDeployment } from "../workflow/deployment-resolve.js";
import type { CachedAnswer, ResolveAnswers } from "../workflow/resolve-answers.js";
import { JSON_TYPE, sendJson } from "./respond.js";

export const DRIFT_HEADER = "X-Modelgate-Drift";
export const SERVED_FROM_HEADER = "X-Modelgate-Served-From";

function driftJson(drift: DriftFlag | null): Record<string, unknown> | null {
  if (drift === null) return null;
  return {
    kind: drift.kind,
    version: drift.version,
    trailStage: drift.trailStage,
    backendStage: drift.backendStage,
    message: drift.message,
    detectedAt: drift.detectedAt?.toISOString() ?? null,
  };
}

const driftHeaders = (drift: DriftFlag | null): Record<string, string> => (drift === null ? {} : { [DRIFT_HEADER]: drift.kind });

export function resolvedEntryJson(entry: ResolvedEntry): Record<string, unknown> {
  const v = entry.version;
  return {
    kind: "model",
    name: entry.name,
    environment: entry.environment,
    backend: entry.backendId,
    version: v.version,
    stage: v.stage,
    registryVersion: entry.registryVersion,
    selectedBy: entry.selectedBy,
    servedFrom: entry.servedFrom,
    backendVersion: entry.backendVersion,
    trailVersion: entry.trailVersion,
    drift: driftJson(entry.drift),
    artifactUri: v.artifactUri ?? null,
    generationConfig: v.generationConfig ?? null,
    prompt: entry.prompt ? { name: entry.prompt.name, version: entry.prompt.version, template: entry.prompt.template } : null,
    tools: entry.tools ? { name: entry.tools.name, version: entry.tools.version, tools: entry.tools.tools } : null,
    params: v.params,
    lineage: v.lineage,
    etag: entry.etag,
  };
}

export function resolvedDeploymentJson(d: ResolvedDeployment): Record<string, unknown> {
  return {
    kind: "deployment",
    name: d.name,
    environment: d.environment,
    revision: d.revision.number,
    contentHash: d.revision.contentHash,
    registryVersion: d.registryVersion,
    components: d.components.map((c) => ({
      role: c.role,
      weight: c.weight,
      shadow: c.shadow,
      serving: c.serving,
      backend: c.backendId,
      model: c.version.modelName,
      version: c.version.version,
      stage: c.version.stage,
      registryVersion: c.registryVersion,
      artifactUri: c.version.artifactUri ?? null,
      generationConfig: c.version.generationConfig ?? null,
      prompt: c.prompt ? { name: c.prompt.name, version: c.prompt.version, template: c.prompt.template } : null,
      tools: c.tools ? { name: c.tools.name, version: c.tools.version, tools: c.tools.tools } : null,
      params: c.version.params,
      drift: driftJson(c.drift),
    })),
    drift: driftJson(d.drift),
    etag: d.etag,
  };
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

/** One kept answer as bytes: built once per answer (./resolve-answers.ts keeps it until a change). */
interface SerializedAnswer {
  readonly etag: string;
  readonly body: Buffer;
  /**
   * Headers of the 304 and the 200 answer as flat [name, value, ...] lists, which node:http writes
   * as they are; Cache-Control (it depends on the answer's age) and X-Request-Id are added per request.
   */
  readonly notModified: readonly string[];
  readonly ok: readonly string[];
}

const serialized = new WeakMap<CachedAnswer, SerializedAnswer>();

function serialize(cached: CachedAnswer): SerializedAnswer {
  let out = serialized.get(cached);
  if (out !== undefined) return out;
  const { answer } = cached;
  let etag: string;
  let body: Buffer;
  let headers: Record<string, string>;
  if (answer.kind === "deployment") {
    const d = answer.deployment;
    etag = d.etag;
    body = Buffer.from(JSON.stringify(resolvedDeploymentJson(d)));
    headers = { ETag: d.etag, "X-Registry-Version": d.registryVersion, ...driftHeaders(d.drift) };
  } else {
    const e = answer.entry;
    etag = e.etag;
    body = Buffer.from(JSON.stringify(resolvedEntryJson(e)));
    headers = { ETag: e.etag, "X-Registry-Version": e.registryVersion, [SERVED_FROM_HEADER]: e.servedFrom, ...driftHeaders(e.drift) };
  }
  const notModified = Object.entries(headers).flat();
  out = { etag, body, notModified, ok: [...notModified, "Content-Type", JSON_TYPE, "Content-Length", String(body.length)] };
  serialized.set(cached, out);
  return out;
}

/**
 * What clients may assume: `no-cache` (revalidate every time) when every backend the answer read
 * announces its changes; otherwise `max-age` of what is left of the answer's life, the staleness a
 * backend that cannot announce them (backends[].resolveCacheMs) allows.
 */
function cacheControl(cached: CachedAnswer, now: number): string {
  if (cached.staleMs === undefined) return "no-cache";
  const seconds = Math.floor((cached.expiresAt - now) / 1000);
  return seconds > 0 ? `max-age=${seconds}` : "no-cache";
}

/**
 * Sends a kept answer: 304 when `If-None-Match` names its ETag, else its bytes. `requestId`, when
 * given, is written as X-Request-Id with the other headers (the hot path sets no header before:
 * node:http then writes the list as it is instead of merging it header by header).
 */
export function sendAnswer(res: ServerResponse, cached: CachedAnswer, ifNoneMatch: string | undefined, requestId?: string): void {
  const out = serialize(cached);
  const matches = ifNoneMatch === out.etag || etagMatches(ifNoneMatch, out.etag);
  const headers = [...(matches ? out.notModified : out.ok), "Cache-Control", cacheControl(cached, performance.now())];
  if (requestId !== undefined) headers.push("X-Request-Id", requestId);
  if (matches) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, headers);
  res.end(out.body);
}

export async function handleResolve(
  res: ServerResponse,
  resolvers: { resolver: EntryResolver; deploymentResolver: DeploymentResolver; resolveAnswers: ResolveAnswers },
  name: string,
  query: URLSearchParams,
  ifNoneMatch: string | undefined,
  call: CallContext,
  mask: boolean,
): Promise<void> {
  const environment = query.get("env") ?? query.get("environment");
  if (!name || !environment) {
    sendJson(res, 400, { error: { code: "BAD_USER_INPUT", message: "usage: GET /v1/resolve/{name}?env={environment}" } });
    return;
  }
  const asOfText = query.get("asOf");
  const asOf = asOfText ? new Date(asOfText) : undefined;
  if (asOf && Number.isNaN(asOf.getTime())) {
    sendJson(res, 400, { error: { code: "BAD_USER_INPUT", message: `asOf: "${asOfText}" is not an ISO 8601 date-time` } });
    return;
  }
  try {
    if (asOf === undefined) {
      // Now: the kept answer (built once per change, ./resolve-answers.ts).
      sendAnswer(res, await resolvers.resolveAnswers.get(name, environment, call), ifNoneMatch);
      return;
    }
    const found = await resolvers.deploymentResolver.find(name, environment, asOf);
    if (found !== undefined) {
      const etag = deploymentEtag(found);
      const registryVersion = deploymentRegistryVersion(found);
      const headers = { ETag: etag, "Cache-Control": "no-cache", "X-Registry-Version": registryVersion };
      if (etagMatches(ifNoneMatch, etag)) {
        res.writeHead(304, { ...headers, ...driftHeaders(await resolvers.deploymentResolver.driftOf(found, asOf)) }).end();
        return;
      }
      const resolved = await resolvers.deploymentResolver.resolve(found, call, asOf);
      sendJson(res, 200, resolvedDeploymentJson(resolved), { ...headers, ...driftHeaders(resolved.drift) });
      return;
    }
    const entry = await resolvers.resolver.resolve({ name, environment, asOf }, call);
    const headers = {
      ETag: entry.etag,
      "Cache-Control": "no-cache",
      "X-Registry-Version": entry.registryVersion,
      [SERVED_FROM_HEADER]: entry.servedFrom,
      ...driftHeaders(entry.drift),
    };
    if (etagMatches(ifNoneMatch, entry.etag)) {
      res.writeHead(304, headers).end();
      return;
    }
    sendJson(res, 200, resolvedEntryJson(entry), headers);
  } catch (err) {
    if (!isRegistryError(err)) {
      sendJson(res, 500, { error: { code: "INTERNAL_SERVER_ERROR", message: mask ? "Internal server error" : (err as Error).message } });
      throw err;
    }
    const status =
      err.code === "NOT_FOUND" ? 404 : err.code === "INVALID_INPUT" ? 400 : err.code === "UNAVAILABLE" || err.code === "DEADLINE_EXCEEDED" ? 503 : 502;
    sendJson(res, status, {
      error: { code: GRAPHQL_CODES[err.code], message: err.message, ...(err.backend ? { backend: err.backend } : {}) },
    });
  }
}
