/**
 * How webhook POSTs reach their targets without becoming a way into the gateway's own network
 * (SSRF). A target's host is resolved, and every address it resolves to must be public or allowed
 * by `webhookEgress.allowPrivateTargets` (../core/target-address.ts):
 *
 * - when a target is created or its URL changed (WebhookTargets: a user error naming the address);
 * - on every delivery, inside the connection's own DNS lookup: the socket connects to exactly the
 *   address that was checked, so a name that resolves to a public address at creation and to
 *   127.0.0.1 a second later (DNS rebinding) never gets a connection to 127.0.0.1.
 *
 * Redirects are not followed (a 3xx is a failed attempt), so a receiver cannot bounce a delivery
 * to another address either.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { TargetAddressPolicy, urlHost } from "../core/target-address.js";

/** Every address a host name resolves to (dns.lookup with `all`), the way the OS resolver answers. */
export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: ResolveAll = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/** A target the policy refuses: the message names the address and why. */
export class TargetRefusedError extends Error {
  override readonly name = "TargetRefusedError";
}

export interface WebhookEgressOptions {
  /** webhookEgress.allowPrivateTargets: addresses, CIDR networks or host names allowed although not public. */
  allowPrivateTargets?: readonly string[];
  /** The resolver (tests: a name that changes its answer). Defaults to the OS resolver. */
  resolve?: ResolveAll;
}

/** Resolves target hosts and refuses addresses the policy does not allow. */
export class TargetGuard {
  readonly policy: TargetAddressPolicy;
  readonly #resolve: ResolveAll;

  constructor(opts: WebhookEgressOptions = {}) {
    this.policy = new TargetAddressPolicy(opts.allowPrivateTargets ?? []);
    this.#resolve = opts.resolve ?? systemResolve;
  }

  /** The addresses `host` may be reached at (all of them), or a TargetRefusedError naming the first refused one. */
  async addresses(host: string): Promise<LookupAddress[]> {
    const literal = isIP(host);
    let found: LookupAddress[];
    if (literal !== 0) found = [{ address: host, family: literal }];
    else {
      try {
        found = await this.#resolve(host);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new TargetRefusedError(`cannot resolve ${host}${code === undefined ? "" : ` (${code})`}`);
      }
      if (found.length === 0) throw new TargetRefusedError(`${host} resolves to no address`);
    }
    // A name with one private address among public ones is refused as a whole: the connection
    // could be made to any of them.
    for (const a of found) {
      const refusal = this.policy.refusal(host, a.address);
      if (refusal !== undefined) throw new TargetRefusedError(refusal);
    }
    return found;
  }

  /** Refuses a URL whose host resolves (now) to a refused address. */
  async check(url: string): Promise<void> {
    await this.addresses(urlHost(new URL(url)));
  }

  /** A `lookup` for sockets: answers only with checked addresses, so the connection uses what was checked. */
  readonly lookup: LookupFunction = (hostname: string, options: LookupOptions, callback) => {
    this.addresses(hostname.replace(/^\[|\]$/g, "")).then(
      (found) => {
        const family = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 || options.family === "IPv6" ? 6 : 0;
        const usable = family === 0 ? found : found.filter((a) => a.family === family);
        if (usable.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: "ENOTFOUND" }), "", 0);
        } else if (options.all === true) {
          callback(null, usable);
        } else {
          callback(null, usable[0]!.address, usable[0]!.family);
        }
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), "", 0),
    );
  };
}

export interface PostResult {
  status: number;
}

/** POSTs webhook bodies through a TargetGuard: one keep-alive agent per scheme, whose sockets only ever connect to checked addresses. */
export class WebhookTransport {
  readonly #http: HttpAgent;
  readonly #https: HttpsAgent;

  constructor(
    private readonly guard: TargetGuard,
    private readonly timeoutMs: number,
  ) {
    this.#http = new HttpAgent({ keepAlive: true, lookup: guard.lookup });
    this.#https = new HttpsAgent({ keepAlive: true, lookup: guard.lookup });
  }

  async post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<PostResult> {
    const target = new URL(url);
    const host = urlHost(target);
    // An IP literal is connected to without a lookup: check it here.
    if (isIP(host) !== 0) await this.guard.addresses(host);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    const https = target.protocol === "https:";
    try {
      return await new Promise<PostResult>((resolve, reject) => {
        const req = (https ? httpsRequest : httpRequest)(target, {
          method: "POST",
          agent: https ? this.#https : this.#http,
          lookup: this.guard.lookup,
          headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
          signal: both,
        });
        req.on("error", reject);
        req.on("response", (res: IncomingMessage) => {
          // Drain (bounded by the same signal) so the connection can be reused.
          res.on("error", reject);
          res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
          res.resume();
        });
        req.end(body);
      });
    } catch (err) {
      if (timeout.aborted && !signal.aborted) throw Object.assign(new Error("timed out"), { name: "TimeoutError" });
      throw err;
    }
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}
