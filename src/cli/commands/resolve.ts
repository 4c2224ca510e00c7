/**
 * `modelgate resolve NAME --env ENV`: what an application in ENV should run (GET /v1/resolve): a
 * model's version, or a deployment's running bundle.
 */
import { Command } from "commander";
import type { ResolvedDeployment, ResolvedEntry } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import type { CliIo } from "../io.js";
import { formatFields, formatTable, printJson } from "../output.js";
import { isoDateTime } from "../parse.js";

interface ResolveCommandOptions extends ClientCommandOptions {
  env: string;
  asOf?: string;
}

export function resolveCommand(io: CliIo): Command {
  const cmd = new Command("resolve")
    .description("show what an application in an environment should run: a model's version with its generation config, or a deployment's bundle")
    .argument("<name>", 'deployment or model name, or "backend/name" when several backends hold the model')
    .requiredOption("--env <environment>", "environment from modelgate.yaml, e.g. production")
    .option("--as-of <iso>", "resolve as of this time (backends with history only)", isoDateTime);
  withClientOptions(cmd, io).action(async (name: string, opts: ResolveCommandOptions) => {
    await guarded(io, opts.json, async () => {
      const { entry } = await clientFor(opts, io).resolve(name, opts.env, opts.asOf === undefined ? {} : { asOf: opts.asOf });
      if (opts.json) printJson(io, entry);
      else io.stdout(entry.kind === "deployment" ? describeDeployment(entry) : describeEntry(entry));
    });
  });
  return cmd;
}

function describeEntry(entry: ResolvedEntry): string {
  const gen = entry.generationConfig;
  const params = gen && Object.keys(gen.params).length > 0 ? JSON.stringify(gen.params) : undefined;
  const toolNames = entry.tools ? toolList(entry.tools.tools) : undefined;
  return formatFields([
    ["registry version", entry.registryVersion],
    ["environment", entry.environment],
    [
      "selected by",
      entry.selectedBy === "ALIAS"
        ? `alias "${entry.environment}"`
        : entry.selectedBy === "TRAIL"
          ? `promotion trail (resolveFrom: trail; the backend has ${entry.backendVersion ?? "none"})`
          : `newest version in stage ${entry.stage}`,
    ],
    ["drift", entry.drift ? `${entry.drift.kind}: ${entry.drift.message}` : undefined],
    ["stage", entry.stage],
    ["model id", gen?.model],
    ["params", params],
    ["prompt", entry.prompt ? `${entry.prompt.name}@${entry.prompt.version}` : gen?.promptRef],
    ["tools", entry.tools ? `${entry.tools.name}@${entry.tools.version}${toolNames ? ` (${toolNames})` : ""}` : gen?.toolsRef],
    ["artifact", entry.artifactUri ?? undefined],
    ["etag", entry.etag],
  ]);
}

/** A deployment's running bundle: a header, then one row per component. */
function describeDeployment(d: ResolvedDeployment): string {
  const head = formatFields([
    ["deployment", d.name],
    ["environment", d.environment],
    ["revision", String(d.revision)],
    ["registry version", d.registryVersion],
    ["etag", d.etag],
  ]);
  const rows = d.components.map((c) => [
    c.role,
    c.shadow ? "shadow" : `${c.weight}%`,
    c.registryVersion,
    c.stage,
    c.generationConfig ? [c.generationConfig.model, c.prompt ? `${c.prompt.name}@${c.prompt.version}` : c.generationConfig.promptRef].filter(Boolean).join(" ") : (c.artifactUri ?? "-"),
  ]);
  return `${head}
${formatTable(["ROLE", "TRAFFIC", "VERSION", "STAGE", "MODEL/ARTIFACT"], rows)}`;
}

/** Names of the tool schemas when they are a list of {name} or {function: {name}} objects. */
function toolList(tools: unknown): string | undefined {
  if (!Array.isArray(tools)) return undefined;
  const names = tools
    .map((t: unknown) => {
      const obj = t as { name?: unknown; function?: { name?: unknown } } | null;
      const name = obj?.name ?? obj?.function?.name;
      return typeof name === "string" ? name : undefined;
    })
    .filter((n): n is string => n !== undefined);
  return names.length > 0 ? names.join(", ") : undefined;
}
