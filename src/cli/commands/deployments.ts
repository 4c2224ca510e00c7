/** `modelgate deployments [--env ENV]` and `modelgate deployments show NAME --env ENV`. */
import { Command } from "commander";
import type { Deployment, DeploymentDetail, DeploymentPage, DeploymentsOptions, ModelgateClient } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import type { CliIo } from "../io.js";
import { formatFields, formatTable, printJson, shortTime } from "../output.js";
import { positiveInt } from "../parse.js";
import { componentTable } from "./deploy.js";
import { MAX_PAGES } from "./models.js";

interface ListOptions extends ClientCommandOptions {
  env?: string;
  first?: number;
  after?: string;
  all?: boolean;
}

interface ShowOptions extends ClientCommandOptions {
  env: string;
}

export function deploymentsCommand(io: CliIo): Command {
  const cmd = new Command("deployments")
    .description("list deployments with their current revision and health (by environment, then name)")
    .option("--env <name>", "only this environment")
    .option("--first <n>", "page size", positiveInt)
    .option("--after <cursor>", "continue after this cursor (printed when more pages exist)")
    .option("--all", "follow every page")
    // Options before `show` belong to deployments, after it to show.
    .enablePositionalOptions();
  withClientOptions(cmd, io).action(async (opts: ListOptions) => {
    await guarded(io, opts.json, async () => {
      const page = await listDeployments(
        clientFor(opts, io),
        {
          ...(opts.env === undefined ? {} : { environment: opts.env }),
          ...(opts.first === undefined ? {} : { first: opts.first }),
          ...(opts.after === undefined ? {} : { after: opts.after }),
        },
        opts.all === true,
      );
      if (opts.json) {
        printJson(io, page);
        return;
      }
      if (page.deployments.length === 0) io.stdout(`no deployments${opts.env === undefined ? "" : ` in ${opts.env}`}\n`);
      else io.stdout(formatTable(["NAME", "ENVIRONMENT", "CURRENT", "LATEST", "HEALTH"], page.deployments.map(row)));
      if (page.pageInfo.hasNextPage && page.pageInfo.endCursor) {
        io.stderr(`more deployments: add --after ${page.pageInfo.endCursor} for the next page, or --all\n`);
      }
    });
  });
  cmd.addCommand(showCommand(io));
  return cmd;
}

async function listDeployments(client: ModelgateClient, opts: DeploymentsOptions, all: boolean): Promise<DeploymentPage> {
  const deployments: Deployment[] = [];
  let after = opts.after;
  for (let pages = 0; ; pages++) {
    const page = await client.deployments({ ...opts, ...(after === undefined ? {} : { after }) });
    deployments.push(...page.deployments);
    const next = page.pageInfo.endCursor ?? undefined;
    if (!all || !page.pageInfo.hasNextPage) return { deployments, pageInfo: page.pageInfo };
    if (next === undefined || next === after || pages + 1 >= MAX_PAGES) {
      throw new Error(`the gateway's deployment listing did not advance past cursor ${JSON.stringify(after ?? null)}; stopping --all`);
    }
    after = next;
  }
}

function row(d: Deployment): string[] {
  return [d.name, d.environment, d.currentRevision ? `#${d.currentRevision.number}` : "-", d.latestRevision ? `#${d.latestRevision.number}` : "-", d.health.status];
}

function showCommand(io: CliIo): Command {
  const cmd = new Command("show")
    .description("one deployment: its revisions with their statuses, the components, and health problems")
    .argument("<name>", "deployment name")
    .requiredOption("--env <name>", "environment, e.g. production");
  withClientOptions(cmd, io).action(async (name: string, opts: ShowOptions) => {
    await guarded(io, opts.json, async () => {
      const d = await clientFor(opts, io).deployment(name, opts.env);
      if (opts.json) printJson(io, d);
      else io.stdout(describeDeployment(d));
    });
  });
  return cmd;
}

function describeDeployment(d: DeploymentDetail): string {
  const current = d.currentRevision;
  const since = current ? d.activations.find((a) => a.revision === current.number && a.deactivatedAt === null)?.activatedAt : undefined;
  const parts = [
    formatFields([
      ["deployment", d.name],
      ["environment", d.environment],
      ["current", current ? `revision ${current.number}${since ? ` since ${shortTime(since)}` : ""}` : "none (no revision runs)"],
      ["health", d.health.status],
      ["created", `${shortTime(d.createdAt)} by ${d.createdBy}`],
    ]),
    formatTable(
      ["REVISION", "STATUS", "CONTENT HASH", "CREATED", "BY", "LAST REQUEST", "REASON"],
      d.revisions.map((r) => {
        const last = r.requests[0];
        return [String(r.number), r.status, r.contentHash.slice(0, 12), shortTime(r.createdAt), r.createdBy, last ? `${last.kind} ${last.status}` : "-", r.reason];
      }),
    ),
  ];
  if (current) parts.push(`components of revision ${current.number} (running):\n${componentTable(current)}`);
  const latest = d.latestRevision;
  if (latest && latest.number !== current?.number) parts.push(`components of revision ${latest.number} (latest, ${latest.status}):\n${componentTable(latest)}`);
  if (d.health.problems.length > 0) {
    parts.push(`problems:\n${d.health.problems.map((p) => `  ${p.code}  ${p.message}\n`).join("")}`);
  }
  return parts.join("\n");
}
