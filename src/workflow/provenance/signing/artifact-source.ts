/**
 * A version's artifact as verification reads it: the files under a directory (`file://` or a bare
 * absolute path, or `s3://bucket/prefix/`), each named by its path relative to that directory
 * with `/` separators, as model_signing names them; or one file, named ".".
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readFile, readdir, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { S3Objects, type S3Options } from "./s3-objects.js";

export interface ArtifactFile {
  /** Relative path with "/" separators; "." when the artifact is a single file. */
  name: string;
  size: number;
  symlink: boolean;
  /** Changes when the file does (mtime and inode, or the S3 ETag): what caches of a verification key on. */
  stamp: string;
}

export interface ArtifactSource {
  readonly uri: string;
  /** Every file below the artifact (recursively), or the artifact itself when it is one file. */
  list(signal?: AbortSignal): Promise<ArtifactFile[]>;
  /** SHA-256 (hex) of a listed file, or of a byte range [start, end) of it. */
  sha256(name: string, range?: { start: number; end: number }, signal?: AbortSignal): Promise<string>;
}

/** Where an artifact or signature lives that verification cannot read: the reason, for the user. */
export class ArtifactLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArtifactLocationError";
  }
}

export interface ArtifactReaderOptions {
  /** S3 access for `s3://` artifacts (absent: `s3://` is refused, naming the config key). */
  s3?: S3Options;
}

/** A parsed location: a local path or an S3 bucket and key. */
export type Location = { scheme: "file"; path: string } | { scheme: "s3"; bucket: string; key: string };

export function parseLocation(uri: string): Location {
  if (uri.startsWith("file:")) {
    try {
      return { scheme: "file", path: fileURLToPath(uri) };
    } catch (err) {
      throw new ArtifactLocationError(`"${uri}" is not a file URL (${(err as Error).message})`);
    }
  }
  if (uri.startsWith("s3://")) {
    const rest = uri.slice("s3://".length);
    const slash = rest.indexOf("/");
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (bucket === "") throw new ArtifactLocationError(`"${uri}" names no bucket`);
    return { scheme: "s3", bucket, key: slash < 0 ? "" : rest.slice(slash + 1) };
  }
  if (isAbsolute(uri)) return { scheme: "file", path: uri };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1];
  throw new ArtifactLocationError(
    scheme === undefined
      ? `"${uri}" is neither a URI nor an absolute path`
      : `artifacts at ${scheme}: locations cannot be read for verification (file:// and s3:// can)`,
  );
}

/** `base` joined with a relative `name`, or `name` itself when it is a location of its own. */
export function locationBeside(base: Location, name: string): Location {
  if (/^[a-z][a-z0-9+.-]*:/i.test(name) || isAbsolute(name)) return parseLocation(name);
  if (base.scheme === "file") return { scheme: "file", path: resolve(base.path, name) };
  const prefix = base.key === "" || base.key.endsWith("/") ? base.key : `${base.key}/`;
  return { scheme: "s3", bucket: base.bucket, key: `${prefix}${name}` };
}

export function describeLocation(l: Location): string {
  return l.scheme === "file" ? `file://${l.path}` : `s3://${l.bucket}/${l.key}`;
}

export class ArtifactReader {
  #s3: S3Objects | undefined;
  constructor(private readonly opts: ArtifactReaderOptions = {}) {}

  #s3Objects(): S3Objects {
    if (this.opts.s3 === undefined) {
      throw new ArtifactLocationError("s3:// artifacts need S3 access: set signing.s3 (region, and credentials or the AWS_* environment variables) in modelgate.yaml");
    }
    this.#s3 ??= new S3Objects(this.opts.s3);
    return this.#s3;
  }

  source(location: Location): ArtifactSource {
    return location.scheme === "file" ? new FileSource(location.path) : new S3Source(this.#s3Objects(), location.bucket, location.key);
  }

  /** The bytes of one file (a signature), or undefined when it does not exist. */
  async read(location: Location, maxBytes: number, signal?: AbortSignal): Promise<Buffer | undefined> {
    if (location.scheme === "file") {
      try {
        const info = await stat(location.path);
        if (info.size > maxBytes) throw new ArtifactLocationError(`${location.path} is ${info.size} bytes, more than a signature may be (${maxBytes})`);
        return await readFile(location.path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
    }
    const s3 = this.#s3Objects();
    try {
      const res = await s3.get(location.bucket, location.key, undefined, signal);
      const body = Buffer.from(await res.arrayBuffer());
      if (body.length > maxBytes) throw new ArtifactLocationError(`s3://${location.bucket}/${location.key} is ${body.length} bytes, more than a signature may be (${maxBytes})`);
      return body;
    } catch (err) {
      if ((err as { status?: unknown }).status === 404) return undefined;
      throw err;
    }
  }
}

class FileSource implements ArtifactSource {
  readonly uri: string;
  #single = false;
  constructor(private readonly root: string) {
    this.uri = `file://${root}`;
  }

  async list(): Promise<ArtifactFile[]> {
    let info;
    try {
      info = await stat(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new ArtifactLocationError(`the artifact ${this.uri} does not exist`);
      throw err;
    }
    if (info.isFile()) {
      this.#single = true;
      return [{ name: ".", size: info.size, symlink: false, stamp: `${info.mtimeMs}:${info.ino}` }];
    }
    const out: ArtifactFile[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      for (const e of entries) {
        const path = join(dir, e.name);
        const name = prefix === "" ? e.name : `${prefix}/${e.name}`;
        if (e.isSymbolicLink()) {
          const target = await stat(path).catch(() => undefined);
          if (target?.isDirectory()) await walk(path, name);
          else out.push({ name, size: target?.size ?? 0, symlink: true, stamp: `${target?.mtimeMs ?? 0}:${target?.ino ?? 0}` });
        } else if (e.isDirectory()) await walk(path, name);
        else if (e.isFile()) {
          const info = await lstat(path);
          out.push({ name, size: info.size, symlink: false, stamp: `${info.mtimeMs}:${info.ino}` });
        }
      }
    };
    await walk(this.root, "");
    return out;
  }

  sha256(name: string, range?: { start: number; end: number }): Promise<string> {
    const path = this.#single || name === "." ? this.root : join(this.root, ...name.split("/"));
    const hash = createHash("sha256");
    if (range !== undefined && range.end <= range.start) return Promise.resolve(hash.digest("hex"));
    return new Promise((done, fail) => {
      createReadStream(path, range === undefined ? {} : { start: range.start, end: range.end - 1 })
        .on("data", (chunk) => hash.update(chunk))
        .on("error", fail)
        .on("end", () => done(hash.digest("hex")));
    });
  }
}

class S3Source implements ArtifactSource {
  readonly uri: string;
  #single: string | undefined;
  constructor(
    private readonly s3: S3Objects,
    private readonly bucket: string,
    private readonly key: string,
  ) {
    this.uri = `s3://${bucket}/${key}`;
  }

  async list(signal?: AbortSignal): Promise<ArtifactFile[]> {
    const dir = this.key === "" || this.key.endsWith("/") ? this.key : `${this.key}/`;
    const under = (await this.s3.list(this.bucket, dir, signal)).filter((o) => !o.key.endsWith("/"));
    if (under.length > 0) return under.map((o) => ({ name: o.key.slice(dir.length), size: o.size, symlink: false, stamp: o.etag }));
    if (!this.key.endsWith("/") && this.key !== "") {
      const exact = (await this.s3.list(this.bucket, this.key, signal)).find((o) => o.key === this.key);
      if (exact !== undefined) {
        this.#single = exact.key;
        return [{ name: ".", size: exact.size, symlink: false, stamp: exact.etag }];
      }
    }
    throw new ArtifactLocationError(`the artifact ${this.uri} does not exist (no objects under it)`);
  }

  sha256(name: string, range?: { start: number; end: number }, signal?: AbortSignal): Promise<string> {
    const dir = this.key === "" || this.key.endsWith("/") ? this.key : `${this.key}/`;
    const key = this.#single ?? (name === "." ? this.key : `${dir}${name}`);
    return this.s3.sha256(this.bucket, key, range, signal);
  }
}
