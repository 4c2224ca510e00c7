/**
 * The web console (ui/, built by `npm run build` into dist/ui) served at /ui by the gateway itself:
 * same origin as /graphql, no CDN. Hashed files under /ui/assets/ are cached for a year; every
 * other /ui path answers the page (the console routes in the browser) without caching. Every
 * answer carries a strict Content-Security-Policy (`default-src 'self'`, no inline script), and
 * text files are sent compressed (brotli or gzip) when the browser accepts it.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";

export const CONSOLE_PREFIX = "/ui";

export const CONSOLE_CSP = "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'";

const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": CONSOLE_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".map", ".svg", ".txt"]);

export function isConsolePath(path: string): boolean {
  return path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`);
}

/** dist/ui of this package, from src/http (tsx) or dist/src/http (built). */
export function defaultConsoleDir(): string {
  const candidates = [resolve(import.meta.dirname, "../../dist/ui"), resolve(import.meta.dirname, "../../ui")];
  return candidates.find((dir) => existsSync(join(dir, "index.html"))) ?? (candidates[0] as string);
}

interface Prepared {
  body: Buffer;
  gzip?: Buffer;
  br?: Buffer;
  etag: string;
  type: string;
  mtimeMs: number;
}

function prepare(body: Buffer, ext: string, mtimeMs: number): Prepared {
  const prepared: Prepared = {
    body,
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
    type: TYPES[ext] ?? "application/octet-stream",
    mtimeMs,
  };
  if (COMPRESSIBLE.has(ext) && body.length > 512) {
    prepared.gzip = gzipSync(body, { level: 9 });
    prepared.br = brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } });
  }
  return prepared;
}

function acceptsEncoding(req: IncomingMessage, encoding: string): boolean {
  const header = req.headers["accept-encoding"];
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  return value.split(",").some((part) => {
    const [name, ...params] = part.trim().split(";");
    if (name?.trim().toLowerCase() !== encoding) return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store", ...headers });
  res.end(text);
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>modelgate console: not built</title></head>
<body><main><h1>The console is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds first), then reload this page.
The GraphQL API at <a href="/graphql">/graphql</a> works without it.</p></main></body></html>
`;

export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;

/** Answers every /ui request from the built console in `dir`. */
export function createConsoleHandler(dir: string = defaultConsoleDir()): ConsoleHandler {
  const root = resolve(dir);
  const cache = new Map<string, Prepared>();

  const load = async (file: string): Promise<Prepared | undefined> => {
    let info;
    try {
      info = await stat(file);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const cached = cache.get(file);
    if (cached !== undefined && cached.mtimeMs === info.mtimeMs) return cached;
    const prepared = prepare(await readFile(file), extname(file).toLowerCase(), info.mtimeMs);
    cache.set(file, prepared);
    return prepared;
  };

  const send = (req: IncomingMessage, res: ServerResponse, file: Prepared, cacheControl: string): void => {
    const headers: Record<string, string> = { ...SECURITY_HEADERS, "Content-Type": file.type, "Cache-Control": cacheControl, ETag: file.etag, Vary: "Accept-Encoding" };
    if (req.headers["if-none-match"] === file.etag) {
      res.writeHead(304, headers).end();
      return;
    }
    let body = file.body;
    if (file.br !== undefined && acceptsEncoding(req, "br")) {
      body = file.br;
      headers["Content-Encoding"] = "br";
    } else if (file.gzip !== undefined && acceptsEncoding(req, "gzip")) {
      body = file.gzip;
      headers["Content-Encoding"] = "gzip";
    }
    headers["Content-Length"] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : body);
  };

  return async (req, res, path) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      plain(res, 405, `the console answers GET and HEAD, not ${req.method ?? "?"}\n`, { Allow: "GET, HEAD" });
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(path.slice(CONSOLE_PREFIX.length));
    } catch {
      plain(res, 400, "malformed path\n");
      return;
    }
    if (rel.startsWith("/assets/")) {
      const file = resolve(root, `.${rel}`);
      const asset = file.startsWith(`${root}${sep}assets${sep}`) ? await load(file) : undefined;
      if (asset === undefined) {
        plain(res, 404, `no console file ${path}\n`);
        return;
      }
      // Names carry a content hash: a changed file is a new name.
      send(req, res, asset, "public, max-age=31536000, immutable");
      return;
    }
    // Every other path is a screen of the console: the page routes in the browser.
    const page = await load(join(root, "index.html"));
    if (page === undefined) {
      res.writeHead(503, { ...SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Content-Length": Buffer.byteLength(NOT_BUILT) });
      res.end(req.method === "HEAD" ? undefined : NOT_BUILT);
      return;
    }
    send(req, res, page, "no-cache");
  };
}

let defaultHandler: ConsoleHandler | undefined;

/** The console from this package's dist/ui (the server's /ui route). */
export function serveConsole(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  defaultHandler ??= createConsoleHandler();
  return defaultHandler(req, res, path);
}
