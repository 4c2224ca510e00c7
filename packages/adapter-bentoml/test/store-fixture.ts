/**
 * BentoML homes for the package's unit tests: model versions written in the layout and format
 * BentoML 1.4 writes (what `bentoml.models.create` leaves: models/<name>/<version>/model.yaml, the
 * `latest` file), by hand, independent of the adapter's own writer. test/bentoml/ runs the real
 * `bentoml` package instead.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCallContext, type CallContext } from "modelgate/core";
import { BentomlAdapter, type BentomlAdapterOptions } from "../src/adapter.js";

export const silent = { debug() {}, info() {}, warn() {}, error() {} };

export function ctx(actor = "alice"): CallContext {
  return createCallContext({ timeoutMs: 20_000, actor: { id: actor, roles: ["admin"] } });
}

export async function tempHome(): Promise<{ home: string; dispose(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), "modelgate-bentoml-"));
  return { home, dispose: () => rm(home, { recursive: true, force: true }) };
}

export interface FixtureVersion {
  name: string;
  version: string;
  labels?: Record<string, string>;
  metadata?: Record<string, unknown>;
  /** Python isoformat, e.g. '2026-12-06T15:59:37.488742+00:00'. */
  creationTime: string;
  module?: string;
  framework?: string;
  files?: Record<string, string>;
  /** Write `latest` pointing at this version (BentoML does on save when it is the newest). */
  latest?: boolean;
}

/**
 * What follows `key:` in PyYAML's block style (safe_dump): " scalar", or the nested lines of a mapping
 * (keys at `indent`) or a list (items at the parent key's indent).
 */
function block(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return " []";
    const itemIndent = indent.slice(2);
    return value
      .map((item) => {
        const inner = block(item, `${itemIndent}  `);
        return `\n${itemIndent}-${inner.startsWith("\n") ? ` ${inner.slice(1 + itemIndent.length + 2)}` : inner}`;
      })
      .join("");
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return " {}";
    return entries.map(([k, v]) => `\n${indent}${k}:${block(v, `${indent}  `)}`).join("");
  }
  if (typeof value === "string") return ` '${value.replace(/'/g, "''")}'`;
  return ` ${String(value)}`;
}

export function modelYamlText(v: FixtureVersion): string {
  return [
    `name: ${v.name}`,
    `version: ${v.version}`,
    `module: '${v.module ?? ""}'`,
    `labels:${block(v.labels ?? {}, "  ")}`,
    "options: {}",
    `metadata:${block(v.metadata ?? {}, "  ")}`,
    "context:",
    `  framework_name: '${v.framework ?? ""}'`,
    "  framework_versions: {}",
    "  bentoml_version: 1.4.40",
    "  python_version: 3.11.7",
    "signatures: {}",
    "api_version: v1",
    `creation_time: '${v.creationTime}'`,
    "",
  ].join("\n");
}

export async function writeVersion(home: string, v: FixtureVersion): Promise<string> {
  const dir = join(home, "models", v.name, v.version);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(v.files ?? {})) {
    await mkdir(join(dir, file, ".."), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  await writeFile(join(dir, "model.yaml"), modelYamlText(v));
  if (v.latest !== false) await writeFile(join(home, "models", v.name, "latest"), v.version);
  return dir;
}

export async function openAdapter(home: string, opts: Partial<BentomlAdapterOptions> = {}): Promise<BentomlAdapter> {
  const adapter = new BentomlAdapter("bento", { home, readOnly: false, importRoots: [], logger: silent, ...opts });
  await adapter.start();
  return adapter;
}

/** Codes of a rejected call, or a failure when it resolves. */
export async function failure(call: Promise<unknown>): Promise<{ code: string; message: string; field?: string; file?: string; line?: number }> {
  try {
    await call;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error("expected the call to fail");
}
