/** `modelgate versions MODEL --backend B`: a model's versions, in the backend's version order. */
import { Command } from "commander";
import type { ModelgateClient, ModelVersion, PageInfo, Stage, VersionsOptions } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import type { CliIo } from "../io.js";
import { formatTable, orDash, printJson, shortTime } from "../output.js";
import { isoDateTime, positiveInt, stage, STAGES } from "../parse.js";
import { MAX_PAGES } from "./models.js";

interface VersionsCommandOptions extends ClientCommandOptions {
  backend: string;
  stage?: Stage;
  first?: number;
  after?: string;
  all?: boolean;
  asOf?: string;
}

export function versionsCommand(io: CliIo): Command {
  const cmd = new Command("versions")
    .description("list a model's versions in version order")
    .argument("<model>", "model name")
    .requiredOption("--backend <id>", "backend holding the model")
    .option("--stage <stage>", `only versions in this stage (${STAGES.join(", ")})`, stage)
    .option("--first <n>", "page size", positiveInt)
    .option("--after <cursor>", "continue after this cursor")
    .option("--all", "follow every page")
    .option("--as-of <iso>", "read as of this time (backends with history only)", isoDateTime);
  withClientOptions(cmd, io).action(async (model: string, opts: VersionsCommandOptions) => {
    await guarded(io, opts.json, async () => {
      const client = clientFor(opts, io);
      const result = await listVersions(client, opts.backend, model, {
        ...(opts.stage === undefined ? {} : { stage: opts.stage }),
        ...(opts.first === undefined ? {} : { first: opts.first }),
        ...(opts.after === undefined ? {} : { after: opts.after }),
        ...(opts.asOf === undefined ? {} : { asOf: opts.asOf }),
      }, opts.all === true);
      if (opts.json) {
        printJson(io, result);
        return;
      }
      printVersions(io, result.versions);
      if (result.pageInfo.hasNextPage && result.pageInfo.endCursor) {
        io.stderr(`more versions: add --after ${result.pageInfo.endCursor} for the next page, or --all\n`);
      }
    });
  });
  return cmd;
}

async function listVersions(
  client: ModelgateClient,
  backend: string,
  model: string,
  opts: VersionsOptions,
  all: boolean,
): Promise<{ versions: ModelVersion[]; pageInfo: PageInfo }> {
  const versions: ModelVersion[] = [];
  let after = opts.after;
  for (let pages = 0; ; pages++) {
    const page = await client.versions(backend, model, { ...opts, ...(after === undefined ? {} : { after }) });
    versions.push(...page.versions);
    const next = page.pageInfo.endCursor ?? undefined;
    if (!all || !page.pageInfo.hasNextPage) return { versions, pageInfo: page.pageInfo };
    if (next === undefined || next === after || pages + 1 >= MAX_PAGES) {
      throw new Error(`the gateway's version listing did not advance past cursor ${JSON.stringify(after ?? null)}; stopping --all`);
    }
    after = next;
  }
}

function printVersions(io: CliIo, versions: ModelVersion[]): void {
  if (versions.length === 0) {
    io.stdout("no versions\n");
    return;
  }
  const rows = versions.map((v) => [
    v.version,
    v.stage,
    v.aliases.join(",") || "-",
    v.generationConfig ? [v.generationConfig.model, v.generationConfig.promptRef].filter(Boolean).join(" ") : orDash(v.artifactUri),
    shortTime(v.createdAt),
  ]);
  io.stdout(formatTable(["VERSION", "STAGE", "ALIASES", "MODEL/ARTIFACT", "CREATED"], rows));
}
