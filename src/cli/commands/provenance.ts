/**
 * Provenance commands (docs/provenance.md): `diff` (what changed between two versions), `card`
 * (the model card as a Hugging Face README.md or JSON, and editing its human-written sections),
 * `lineage`, `impact` (the recall question) and `signature` (verify a version's model signature).
 * Versions are named `[backend/]NAME@VERSION`; without a backend prefix, --backend says which.
 */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { ModelgateUserError, type ModelgateClient, type UserError } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import { CliExit, EXIT, UsageError } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { formatTable, printJson } from "../output.js";
import { positiveInt } from "../parse.js";
import {
  CARD,
  CARD_UPDATE,
  DIFF,
  IMPACT,
  LINEAGE,
  SIGNATURE,
  type ChangesJson,
  type GraphJson,
  type ImpactJson,
  type SignatureJson,
  type ValueChangeJson,
} from "./provenance-documents.js";

interface WithBackend extends ClientCommandOptions {
  backend?: string;
}

export interface VersionArg {
  backend: string;
  model: string;
  version?: string;
}

/** `[backend/]NAME[@VERSION]`; `needVersion` makes the version required. */
export function parseVersionArg(text: string, backend: string | undefined, needVersion: boolean): VersionArg {
  const at = text.lastIndexOf("@");
  const left = at < 0 ? text : text.slice(0, at);
  const version = at < 0 ? undefined : text.slice(at + 1);
  if (needVersion && (version === undefined || version === "")) throw new UsageError(`"${text}": name a version as NAME@VERSION`);
  const slash = left.indexOf("/");
  const b = slash > 0 ? left.slice(0, slash) : backend;
  const model = slash > 0 ? left.slice(slash + 1) : left;
  if (b === undefined || b === "") throw new UsageError(`"${text}": say which backend holds it (backend/NAME@VERSION or --backend)`);
  if (model === "") throw new UsageError(`"${text}": no model name`);
  return { backend: b, model, ...(version === undefined || version === "" ? {} : { version }) };
}

async function versionQuery<T>(client: ModelgateClient, io: CliIo, document: string, v: VersionArg, extra: Record<string, unknown> = {}): Promise<T> {
  const { data } = await client.graphql<{ modelVersion: T | null }>(document, { backend: v.backend, model: v.model, version: v.version!, ...extra });
  if (data.modelVersion === null) {
    io.stderr(`error: no version ${v.version} of ${v.backend}/${v.model}\n`);
    throw new CliExit(EXIT.NOT_FOUND);
  }
  return data.modelVersion;
}

const show = (value: unknown) => (value === null || value === undefined ? "-" : typeof value === "string" ? value : JSON.stringify(value));

function changeRows(title: string, list: ValueChangeJson[]): string {
  if (list.length === 0) return "";
  return `${title}\n${list.map((c) => `  ${c.change === "ADDED" ? "+" : c.change === "REMOVED" ? "-" : "~"} ${c.key}: ${show(c.before)} -> ${show(c.after)}`).join("\n")}\n`;
}

export function describeChanges(c: ChangesJson): string {
  const parts = [`${c.from.registryVersion} -> ${c.to.registryVersion}\n`];
  parts.push(changeRows("fields", c.fields), changeRows("params", c.params));
  const metrics = c.metrics.filter((m) => m.change !== "UNCHANGED");
  if (metrics.length > 0) {
    const delta = (d: number | null) => (d === null ? "" : ` (${d >= 0 ? "+" : ""}${Number(d.toPrecision(6))})`);
    parts.push(`metrics\n${metrics.map((m) => `  ${m.key}: ${show(m.before)} -> ${show(m.after)}${delta(m.delta)}`).join("\n")}\n`);
  }
  parts.push(changeRows("generation config", c.generationConfig));
  if (c.prompt?.changed) parts.push(`prompt (${c.prompt.beforeRef ?? "-"} -> ${c.prompt.afterRef ?? "-"})\n${c.prompt.unified}${c.prompt.unified.endsWith("\n") ? "" : "\n"}`);
  parts.push(changeRows("tools", c.tools), changeRows("lineage", c.lineage), changeRows("tags", c.tags));
  for (const p of c.problems) parts.push(`warning: ${p}\n`);
  const text = parts.join("");
  return text === parts[0] ? `${text}no changes\n` : text;
}

export function diffCommand(io: CliIo): Command {
  const cmd = new Command("diff")
    .description("what changed from version A to version B of a model: params, metrics (with deltas), generation config, prompt text, tools, lineage, tags")
    .argument("<a>", "[backend/]NAME@VERSION: the older version")
    .argument("<b>", "[backend/]NAME@VERSION (or @VERSION): the newer version")
    .option("--backend <id>", "backend holding the model, when the names do not say");
  withClientOptions(cmd, io).action(async (a: string, b: string, opts: WithBackend) => {
    await guarded(io, opts.json, async () => {
      const from = parseVersionArg(a, opts.backend, true);
      const to = b.startsWith("@") ? { ...from, version: b.slice(1) } : parseVersionArg(b, opts.backend ?? from.backend, true);
      if (to.backend !== from.backend || to.model !== from.model) throw new UsageError(`diff compares two versions of one model: ${from.backend}/${from.model} and ${to.backend}/${to.model} differ`);
      const v = await versionQuery<{ changes: ChangesJson | null }>(clientFor(opts, io), io, DIFF, to, { from: from.version });
      if (opts.json) printJson(io, v.changes);
      else io.stdout(describeChanges(v.changes!));
    });
  });
  return cmd;
}

interface CardOptions extends WithBackend {
  format: "hf" | "json";
  set?: Record<string, string>;
  setFile?: Record<string, string>;
  reason?: string;
}

function collectSection(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`expected SECTION=TEXT, got "${value}".`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function cardCommand(io: CliIo): Command {
  const cmd = new Command("card")
    .description("a version's model card (Hugging Face README.md with YAML front matter, or JSON); with --set/--set-file, edit the human-written sections of a version's card (NAME@VERSION) or the model's (NAME)")
    .argument("<target>", "[backend/]NAME@VERSION, or [backend/]NAME to edit the model's sections")
    .option("--backend <id>", "backend holding the model, when the name does not say")
    .option("--format <format>", "hf (README.md) or json", (v: string) => {
      if (v !== "hf" && v !== "json") throw new InvalidArgumentError(`expected hf or json, got "${v}".`);
      return v;
    }, "hf")
    .option("--set <section=text>", 'set a section (intendedUse, factors, ethicalConsiderations, caveats, ..., license); "" clears it (repeatable)', collectSection)
    .option("--set-file <section=path>", "set a section from a file (repeatable)", collectSection)
    .option("--reason <text>", "why: recorded in the audit trail");
  withClientOptions(cmd, io).action(async (target: string, opts: CardOptions) => {
    await guarded(io, opts.json, async () => {
      const client = clientFor(opts, io);
      const editing = opts.set !== undefined || opts.setFile !== undefined;
      const v = parseVersionArg(target, opts.backend, !editing);
      if (editing) {
        const sections: Record<string, string> = { ...opts.set };
        for (const [key, path] of Object.entries(opts.setFile ?? {})) {
          try {
            sections[key] = readFileSync(path, "utf8");
          } catch (err) {
            throw new UsageError(`--set-file ${key}: cannot read ${path} (${(err as Error).message})`);
          }
        }
        const input = { backend: v.backend, model: v.model, ...(v.version === undefined ? {} : { version: v.version }), sections, ...(opts.reason === undefined ? {} : { reason: opts.reason }) };
        const { data } = await client.graphql<{ modelCardUpdate: { sections: Record<string, string> | null; changed: boolean; mirror: { status: string; message: string }; userErrors: UserError[] } }>(CARD_UPDATE, { input });
        const r = data.modelCardUpdate;
        if (r.userErrors.length > 0) throw new ModelgateUserError("modelCardUpdate", r.userErrors);
        if (opts.json) printJson(io, r);
        else io.stdout(`${r.changed ? "updated" : "unchanged"}: card of ${v.backend}/${v.model}${v.version === undefined ? "" : `@${v.version}`} (${Object.keys(r.sections ?? {}).sort().join(", ") || "no sections"}); backend: ${r.mirror.status.toLowerCase()}, ${r.mirror.message}\n`);
        return;
      }
      const { card } = await versionQuery<{ card: { data: unknown; markdown: string; sections: unknown; missing: string[] } }>(client, io, CARD, v);
      if (opts.json || opts.format === "json") printJson(io, card);
      else io.stdout(card.markdown);
    });
  });
  return cmd;
}

export function signatureCommand(io: CliIo): Command {
  const cmd = new Command("signature")
    .description("verify a version's OpenSSF model signature (every artifact file hashed again); exit 1 when it does not verify")
    .argument("<version>", "[backend/]NAME@VERSION")
    .option("--backend <id>", "backend holding the model, when the name does not say");
  withClientOptions(cmd, io).action(async (target: string, opts: WithBackend) => {
    await guarded(io, opts.json, async () => {
      const v = parseVersionArg(target, opts.backend, true);
      const r = await versionQuery<{ registryVersion: string; signature: SignatureJson; identity: { digest: string; complete: boolean; missing: string[] } }>(clientFor(opts, io), io, SIGNATURE, v);
      const s = r.signature;
      if (opts.json) printJson(io, r);
      else if (s.verified) {
        io.stdout(`${r.registryVersion}: signature verified\n  signer: ${s.signer?.description ?? "-"}\n  subject: ${s.digest} over ${s.fileCount} file(s)\n  bundle: ${s.bundleDigest}\n  identity: ${r.identity.digest}${r.identity.complete ? "" : ` (incomplete: missing ${r.identity.missing.join(", ")})`}\n`);
      } else {
        io.stdout(`${r.registryVersion}: signature NOT verified: ${s.failure?.code}: ${s.failure?.message}\n${(s.failure?.files ?? []).map((f) => `  ${f}\n`).join("")}`);
      }
      if (!s.verified) throw new CliExit(EXIT.FAULT);
    });
  });
  return cmd;
}

interface LineageOptions extends ClientCommandOptions {
  direction: string;
  depth: number;
}

export function lineageCommand(io: CliIo): Command {
  const cmd = new Command("lineage")
    .description("the lineage graph around a version or node, across backends")
    .argument("<id>", 'backend/NAME@VERSION, a reference (models:/name/3), or a node id: "dataset:<hash>", "commit:<sha>", "run:<backend>/<id>", "deployment:<env>/<name>"')
    .option("--direction <dir>", "upstream, downstream or both", (v: string) => {
      const d = v.toUpperCase();
      if (!["UPSTREAM", "DOWNSTREAM", "BOTH"].includes(d)) throw new InvalidArgumentError(`expected upstream, downstream or both, got "${v}".`);
      return d;
    }, "BOTH")
    .option("--depth <n>", "levels to walk (1-10)", positiveInt, 3);
  withClientOptions(cmd, io).action(async (id: string, opts: LineageOptions) => {
    await guarded(io, opts.json, async () => {
      const { data } = await clientFor(opts, io).graphql<{ lineage: GraphJson }>(LINEAGE, { id, direction: opts.direction, depth: opts.depth });
      const g = data.lineage;
      if (opts.json) printJson(io, g);
      else {
        const label = new Map(g.nodes.map((n) => [n.id, n.label]));
        const nodes = formatTable(["NODE", "KIND", "DEPTH", "NOTE"], g.nodes.map((n) => [n.label, n.kind, String(n.depth), n.dangling ? `dangling: ${n.problem ?? ""}` : n.hasMore ? "more beyond" : ""]));
        const edges = g.edges.map((e) => `  ${label.get(e.from) ?? e.from} --${e.kind}--> ${label.get(e.to) ?? e.to}${e.detail ? ` (${e.detail})` : ""}`).join("\n");
        io.stdout(`${nodes}\n${edges}\n`);
      }
      warnPartial(io, g);
    });
  });
  return cmd;
}

interface ImpactOptions extends ClientCommandOptions {
  dataset?: string;
  version?: string;
}

export function impactCommand(io: CliIo): Command {
  const cmd = new Command("impact")
    .description("every version derived from a dataset or a version, and every environment running one (the recall question)")
    .option("--dataset <hash>", "a dataset hash, e.g. sha256:...")
    .option("--version <ref>", "a version, backend/NAME@VERSION");
  withClientOptions(cmd, io).action(async (opts: ImpactOptions) => {
    await guarded(io, opts.json, async () => {
      if ((opts.dataset === undefined) === (opts.version === undefined)) throw new UsageError("give exactly one of --dataset and --version");
      const { data } = await clientFor(opts, io).graphql<{ impact: ImpactJson }>(IMPACT, { ...(opts.dataset === undefined ? {} : { dataset: opts.dataset }), ...(opts.version === undefined ? {} : { version: opts.version }) });
      const i = data.impact;
      if (opts.json) printJson(io, i);
      else {
        const versions =
          i.versions.length === 0 ? "no derived versions\n" : formatTable(["VERSION", "STAGE", "PATH"], i.versions.map((v) => [v.modelVersion.registryVersion, v.modelVersion.stage, v.path.join(" > ")]));
        const envs =
          i.environments.length === 0
            ? "no environment runs any of them\n"
            : formatTable(
                ["ENVIRONMENT", "STAGE", "VERSIONS", "DEPLOYMENTS"],
                i.environments.map((e) => [e.environment, e.stage, e.versions.map((v) => v.modelVersion.registryVersion).join(", ") || "-", e.deployments.map((d) => `${d.name} #${d.revision}`).join(", ") || "-"]),
              );
        io.stdout(`${i.root}\n\n${versions}\n${envs}`);
      }
      warnPartial(io, i);
    });
  });
  return cmd;
}

function warnPartial(io: CliIo, r: { partial: boolean; limits: string[]; failedBackends: { backendId: string; message: string }[] }): void {
  for (const l of r.limits) io.stderr(`warning: ${l}\n`);
  for (const f of r.failedBackends) io.stderr(`warning: backend "${f.backendId}" failed: ${f.message}; the answer may be missing its part\n`);
  if (r.failedBackends.length > 0) throw new CliExit(EXIT.FAULT);
}
