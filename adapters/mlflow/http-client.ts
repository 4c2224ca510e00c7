/**
 * The MLflow REST client of one backend: axios over keep-alive sockets, credentials from config,
 * at most `concurrency` requests in flight, every request bound to the caller's signal and deadline,
 * every failure a typed error. Tests count requests with an interceptor on `axios`.
 */
import http from "node:http";
import https from "node:https";
import axios, { type AxiosInstance } from "axios";
import { deadlineError, ensureActive, remainingMs, type CallContext } from "../../src/core/index.js";
import type { MlflowAuth } from "./config.js";
import { errorFromResponse, toRegistryError, type RequestLabel } from "./errors.js";
import { Semaphore } from "../../src/core/index.js";

export type QueryValue = string | number | readonly string[] | undefined;

export interface MlflowRequest extends RequestLabel {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path below `/api/2.0/mlflow/`, e.g. `registered-models/get`. */
  path: string;
  /** GET parameters (repeated keys for arrays). */
  query?: Record<string, QueryValue>;
  /** JSON body of POST, PATCH and DELETE (MLflow reads DELETE parameters from the body too). */
  body?: object;
}

export interface MlflowHttpOptions {
  backend: string;
  trackingUri: string;
  auth: MlflowAuth;
  concurrency: number;
}

const API_PREFIX = "/api/2.0/mlflow/";

export class MlflowHttp {
  /** The axios instance every request goes through (interceptors may count or log requests). */
  readonly axios: AxiosInstance;
  /** Where the server is, without credentials: safe for messages. */
  readonly origin: string;
  private readonly limiter: Semaphore;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly secrets: string[];
  private readonly backend: string;
  private readonly healthUrl: string;

  constructor(opts: MlflowHttpOptions) {
    this.backend = opts.backend;
    this.origin = opts.trackingUri;
    this.healthUrl = `${opts.trackingUri}/health`;
    this.limiter = new Semaphore(opts.concurrency);
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: opts.concurrency }),
      https: new https.Agent({ keepAlive: true, maxSockets: opts.concurrency }),
    };
    const headers: Record<string, string> = { Accept: "application/json" };
    this.secrets = [];
    if (opts.auth.type === "basic") {
      const encoded = Buffer.from(`${opts.auth.username}:${opts.auth.password}`, "utf8").toString("base64");
      headers["Authorization"] = `Basic ${encoded}`;
      this.secrets.push(opts.auth.password, encoded);
    } else if (opts.auth.type === "bearer") {
      headers["Authorization"] = `Bearer ${opts.auth.token}`;
      this.secrets.push(opts.auth.token);
    }
    this.axios = axios.create({
      baseURL: `${opts.trackingUri}${API_PREFIX}`,
      headers,
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      // `order_by=a&order_by=b`, as MLflow's GET handlers read repeated fields.
      paramsSerializer: { indexes: null },
      // Never follow a redirect with our credentials to another host.
      maxRedirects: 0,
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
    });
  }

  /** One MLflow REST call; resolves to the parsed JSON answer or throws a typed error. */
  async call<T>(req: MlflowRequest, ctx: CallContext): Promise<T> {
    const label: RequestLabel = { method: req.method, path: req.path, ...(req.subject === undefined ? {} : { subject: req.subject }) };
    ensureActive(ctx, this.backend);
    try {
      return await this.limiter.run(
        async () => {
          ensureActive(ctx, this.backend);
          const res = await this.axios.request({
            method: req.method,
            url: req.path,
            ...(req.query ? { params: definedParams(req.query) } : {}),
            ...(req.body ? { data: req.body, headers: { "Content-Type": "application/json" } } : {}),
            signal: ctx.signal,
            timeout: Math.max(1, remainingMs(ctx)),
          });
          if (res.status >= 200 && res.status < 300) return res.data as T;
          throw errorFromResponse(res.status, res.data, this.backend, label);
        },
        ctx.signal,
        () => deadlineError(ctx, this.backend, `MLflow request ${req.method} ${req.path}`),
      );
    } catch (err) {
      throw this.redacted(toRegistryError(err, ctx, this.backend, label, this.origin));
    }
  }

  /** GET /health: resolves to the body MLflow sent ("OK") or throws a typed error. */
  async health(ctx: CallContext): Promise<string> {
    const label: RequestLabel = { method: "GET", path: "/health" };
    ensureActive(ctx, this.backend);
    try {
      const res = await this.axios.request({ method: "GET", url: this.healthUrl, baseURL: "", signal: ctx.signal, timeout: Math.max(1, remainingMs(ctx)), responseType: "text" });
      if (res.status >= 200 && res.status < 300) return String(res.data);
      throw errorFromResponse(res.status, res.data, this.backend, label);
    } catch (err) {
      throw this.redacted(toRegistryError(err, ctx, this.backend, label, this.origin));
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Belt and braces: a message never carries a secret, even if a proxy echoed one back. */
  private redacted<E extends Error>(err: E): E {
    const scrub = (text: string) => this.secrets.reduce((t, secret) => (secret.length > 0 ? t.split(secret).join("***") : t), text);
    const message = scrub(err.message);
    if (message !== err.message) {
      err.message = message;
      if (err.stack !== undefined) err.stack = scrub(err.stack);
    }
    return err;
  }
}

function definedParams(query: Record<string, QueryValue>): Record<string, string | number | readonly string[]> {
  const out: Record<string, string | number | readonly string[]> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined) out[k] = v;
  return out;
}
