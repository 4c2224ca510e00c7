/** `modelgate resolve NAME --env ENV`: what an application in ENV should run (GET /v1/resolve). */
import { Command } from "commander";
import type { ResolvedEntry } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import type { CliIo } from "../io.js";
import { formatFields, printJson } from "../output.js";
import { isoDateTime } from "../parse.js";

interface ResolveCommandOptions extends ClientCommandOptions {
  env: string;
  asOf?: string;
}

export function resolveCommand(io: CliIo): Command {
  const cmd = new Command("resolve")
    .description("show the version an application in an environment should run, with its generation config")
    .argument("<name>", 'model name, or "backend/name" when several backends hold it')
    .requiredOption("--env <environment>", "environment from modelgate.yaml, e.g. production")
    .option("--as-of <iso>", "resolve as of this time (backends with history only)", isoDateTime);
  withClientOptions(cmd, io).action(async (name: string, opts: ResolveCommandOptions) => {
    await guarded(io, opts.json, async () => {
      const { entry } = await clientFor(opts, io).resolve(name, opts.env, opts.asOf === undefined ? {} : { asOf: opts.asOf });
      if (opts.json) printJson(io, entry);
      else io.stdout(describeEntry(entry));
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
    ["selected by", entry.selectedBy === "ALIAS" ? `alias "${entry.environment}"` : `newest version in stage ${entry.stage}`],
    ["stage", entry.stage],
    ["model id", gen?.model],
    ["params", params],
    ["prompt", entry.prompt ? `${entry.prompt.name}@${entry.prompt.version}` : gen?.promptRef],
    ["tools", entry.tools ? `${entry.tools.name}@${entry.tools.version}${toolNames ? ` (${toolNames})` : ""}` : gen?.toolsRef],
    ["artifact", entry.artifactUri ?? undefined],
    ["etag", entry.etag],
  ]);
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
