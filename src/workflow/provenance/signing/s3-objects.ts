/**
 * Reads S3 objects for signature verification: ListObjectsV2 and GET (whole or a byte range),
 * signed with AWS Signature V4 by @smithy/signature-v4 (the signer the AWS SDK itself uses) and
 * sent with fetch. Only what verification needs: no writes, no multipart, no SDK client.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import type { SignatureV4 } from "@smithy/signature-v4";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3Options {
  region: string;
  /** Another endpoint than AWS's (an S3-compatible store, or an emulator in tests); path-style addressing. */
  endpoint?: string;
  credentials: S3Credentials;
}

export interface S3Object {
  key: string;
  size: number;
  etag: string;
}

/** A failed S3 call: its HTTP status and S3's error code when it sent one. */
export class S3Error extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "S3Error";
  }
}

/** The SHA-256 and HMAC-SHA256 the signer asks for, over node:crypto. */
class NodeSha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
  reset(): void {
    throw new Error("not resettable");
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** Percent-encoding as SigV4 canonicalises it (RFC 3986 unreserved characters stay). */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const EMPTY_SHA256 = createHash("sha256").digest("hex");

function xmlText(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, "&");
}

function tag(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m === null ? undefined : xmlText(m[1]!);
}

export class S3Objects {
  /** Loaded on the first request: a gateway with no s3:// artifact does not carry the signer (about 1.5 MiB of heap). */
  #signer: Promise<SignatureV4> | undefined;
  readonly #base: URL;
  readonly #pathStyle: boolean;

  constructor(private readonly opts: S3Options) {
    this.#base = new URL(opts.endpoint ?? `https://s3.${opts.region}.amazonaws.com`);
    this.#pathStyle = opts.endpoint !== undefined;
  }

  /** Every object under `prefix` (all pages). */
  async list(bucket: string, prefix: string, signal?: AbortSignal): Promise<S3Object[]> {
    const out: S3Object[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const query: Record<string, string> = { "list-type": "2", prefix, ...(token === undefined ? {} : { "continuation-token": token }) };
      const res = await this.#send("GET", bucket, "", query, {}, signal);
      const xml = await res.text();
      for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const key = tag(m[1]!, "Key");
        if (key !== undefined) out.push({ key, size: Number(tag(m[1]!, "Size") ?? "0"), etag: `${tag(m[1]!, "ETag") ?? ""}:${tag(m[1]!, "LastModified") ?? ""}` });
      }
      if (tag(xml, "IsTruncated") !== "true") return out;
      token = tag(xml, "NextContinuationToken");
      if (token === undefined) return out;
    }
    throw new S3Error(`listing s3://${bucket}/${prefix} did not end after 10000 pages`, 0, undefined);
  }

  /** The object's bytes (a range [start, end) when given). */
  async get(bucket: string, key: string, range?: { start: number; end: number }, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = range === undefined ? {} : { range: `bytes=${range.start}-${range.end - 1}` };
    return this.#send("GET", bucket, key, {}, headers, signal);
  }

  /** SHA-256 (hex) of the object, or of a byte range of it, streamed. */
  async sha256(bucket: string, key: string, range?: { start: number; end: number }, signal?: AbortSignal): Promise<string> {
    const hash = createHash("sha256");
    if (range !== undefined && range.end <= range.start) return hash.digest("hex");
    const res = await this.get(bucket, key, range, signal);
    if (res.body === null) return hash.digest("hex");
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
    return hash.digest("hex");
  }

  async #send(method: string, bucket: string, key: string, query: Record<string, string>, extra: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    const base = this.#base;
    const hostname = this.#pathStyle ? base.hostname : `${bucket}.${base.hostname}`;
    const encodedKey = key.split("/").map(rfc3986).join("/");
    const basePath = base.pathname.replace(/\/+$/, "");
    const path = this.#pathStyle ? `${basePath}/${rfc3986(bucket)}/${encodedKey}` : `${basePath}/${encodedKey}`;
    const host = base.port === "" ? hostname : `${hostname}:${base.port}`;
    this.#signer ??= import("@smithy/signature-v4").then(
      ({ SignatureV4: Signer }) => new Signer({ service: "s3", region: this.opts.region, credentials: this.opts.credentials, sha256: NodeSha256, uriEscapePath: false, applyChecksum: true }),
    );
    const signed = await (await this.#signer).sign({
      method,
      protocol: base.protocol,
      hostname,
      ...(base.port === "" ? {} : { port: Number(base.port) }),
      path,
      query,
      headers: { host, "x-amz-content-sha256": EMPTY_SHA256, ...extra },
    });
    const search = Object.keys(query)
      .sort()
      .map((k) => `${rfc3986(k)}=${rfc3986(query[k]!)}`)
      .join("&");
    const url = `${base.protocol}//${host}${path}${search === "" ? "" : `?${search}`}`;
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== "host"));
    const res = await fetch(url, { method, headers, ...(signal === undefined ? {} : { signal }) });
    if (!res.ok) {
      const body = await res.text().catch(() => "");
      const code = tag(body, "Code");
      const message = tag(body, "Message");
      throw new S3Error(
        `S3 ${method} s3://${bucket}/${key}${search === "" ? "" : `?${search}`} failed: HTTP ${res.status}${code === undefined ? "" : ` ${code}`}${message === undefined ? "" : `: ${message}`}`,
        res.status,
        code,
      );
    }
    return res;
  }
}
