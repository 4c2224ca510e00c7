/** `modelgate models`: models across backends (or one), one page or --all. */
import { Command } from "commander";
import type { BackendFailure, Model, ModelgateClient, ModelsOptions, PageInfo } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import { CliExit, EXIT } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { formatTable, orDash, printJson, shortTime } from "../output.js";
import { isoDateTime, positiveInt } from "../parse.js";

interface ModelsCommandOptions extends ClientCommandOptions {
  backend?: string;
  filter?: string;
  first?: number;
  after?: string;
  all?: boolean;
  asOf?: string;
}

/** Upper bound on pages fetched by --all, so a gateway that never ends a listing cannot loop forever. */
export const MAX_PAGES = 10_000;

export function modelsCommand(io: CliIo): Command {
  const cmd = new Command("models")
    .description("list registered models across backends (one page, or every page with --all)")
    .option("--backend <id>", "only this backend")
    .option("--filter <text>", "case-insensitive substring of the model name")
    .option("--first <n>", "page size (the gateway caps it, 100 by default)", positiveInt)
    .option("--after <cursor>", "continue after this cursor (printed when more pages exist)")
    .option("--all", "follow every page")
    .option("--as-of <iso>", "read as of this time (backends with history only)", isoDateTime);
  withClientOptions(cmd, io).action(async (opts: ModelsCommandOptions) => {
    await guarded(io, opts.json, async () => {
      const client = clientFor(opts, io);
      const result = await listModels(client, {
        ...(opts.backend === undefined ? {} : { backend: opts.backend }),
        ...(opts.filter === undefined ? {} : { nameContains: opts.filter }),
        ...(opts.first === undefined ? {} : { first: opts.first }),
        ...(opts.after === undefined ? {} : { after: opts.after }),
        ...(opts.asOf === undefined ? {} : { asOf: opts.asOf }),
      }, opts.all === true);
      if (opts.json) printJson(io, result);
      else printModels(io, result);
      for (const f of result.failedBackends) {
        io.stderr(`warning: backend "${f.backendId}" failed (${f.code}): ${f.message}; its models are missing from this list\n`);
      }
      if (result.failedBackends.length > 0) throw new CliExit(EXIT.FAULT);
    });
  });
  return cmd;
}

export interface ModelListing {
  models: Model[];
  pageInfo: PageInfo;
  failedBackends: BackendFailure[];
}

async function listModels(client: ModelgateClient, opts: ModelsOptions, all: boolean): Promise<ModelListing> {
  const models: Model[] = [];
  const failed = new Map<string, BackendFailure>();
  let after = opts.after;
  for (let pages = 0; ; pages++) {
    const page = await client.models({ ...opts, ...(after === undefined ? {} : { after }) });
    models.push(...page.models);
    for (const f of page.failedBackends) failed.set(f.backendId, f);
    const next = page.pageInfo.endCursor ?? undefined;
    const listing = { models, pageInfo: page.pageInfo, failedBackends: [...failed.values()] };
    if (!all || !page.pageInfo.hasNextPage) return listing;
    if (next === undefined || next === after || pages + 1 >= MAX_PAGES) {
      // A failed backend keeps hasNextPage true (its part is still owed) without the cursor moving:
      // stop with what the others gave; the failure is reported with the listing.
      if (failed.size > 0) return listing;
      throw new Error(`the gateway's model listing did not advance past cursor ${JSON.stringify(after ?? null)}; stopping --all`);
    }
    after = next;
  }
}

function printModels(io: CliIo, listing: ModelListing): void {
  if (listing.models.length === 0) {
    io.stdout("no models\n");
  } else {
    const rows = listing.models.map((m) => [
      m.name,
      m.backendId,
      orDash(m.latestVersion),
      Object.entries(m.aliases)
        .map(([alias, version]) => `${alias}=${version}`)
        .join(",") || "-",
      shortTime(m.updatedAt),
    ]);
    io.stdout(formatTable(["NAME", "BACKEND", "LATEST", "ALIASES", "UPDATED"], rows));
  }
  if (listing.pageInfo.hasNextPage && listing.pageInfo.endCursor) {
    io.stderr(`more models: add --after ${listing.pageInfo.endCursor} for the next page, or --all\n`);
  }
}
