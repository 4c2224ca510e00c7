/** `modelgate alias set|remove`: move or drop an alias (audited). */
import { Command } from "commander";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import type { CliIo } from "../io.js";
import { printJson } from "../output.js";

interface AliasCommandOptions extends ClientCommandOptions {
  backend: string;
  reason?: string;
}

export function aliasCommand(io: CliIo): Command {
  const alias = new Command("alias").description("point an alias at a version, or remove it");

  const set = alias
    .command("set")
    .description("point ALIAS at VERSION, moving it from any other version")
    .argument("<model>", "model name")
    .argument("<alias>", "alias name, e.g. production")
    .argument("<version>", "version")
    .requiredOption("--backend <id>", "backend holding the model")
    .option("--reason <text>", "why: recorded in the audit trail");
  withClientOptions(set, io).action(async (model: string, name: string, version: string, opts: AliasCommandOptions) => {
    await guarded(io, opts.json, async () => {
      const result = await clientFor(opts, io).setAlias({
        backend: opts.backend,
        model,
        alias: name,
        version,
        ...(opts.reason === undefined ? {} : { reason: opts.reason }),
      });
      if (opts.json) {
        printJson(io, result);
        return;
      }
      const was = result.previousVersion === null ? "new alias" : result.previousVersion === version ? "unchanged" : `was ${result.previousVersion}`;
      io.stdout(`alias "${name}" of ${opts.backend}/${model} now points to ${result.modelVersion.version} (${was})\n`);
    });
  });

  const remove = alias
    .command("remove")
    .description("remove ALIAS from the model")
    .argument("<model>", "model name")
    .argument("<alias>", "alias name")
    .requiredOption("--backend <id>", "backend holding the model")
    .option("--reason <text>", "why: recorded in the audit trail");
  withClientOptions(remove, io).action(async (model: string, name: string, opts: AliasCommandOptions) => {
    await guarded(io, opts.json, async () => {
      const result = await clientFor(opts, io).removeAlias({
        backend: opts.backend,
        model,
        alias: name,
        ...(opts.reason === undefined ? {} : { reason: opts.reason }),
      });
      if (opts.json) {
        printJson(io, result);
        return;
      }
      const from = result.removedFromVersion === null ? "" : ` (it pointed to ${result.removedFromVersion})`;
      io.stdout(`removed alias "${name}" from ${opts.backend}/${model}${from}\n`);
    });
  });

  return alias;
}
