/** `modelgate alias set|remove|request`: move or drop an alias (audited); `request` moves a protected one through the workflow. */
import { Command } from "commander";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import type { CliIo } from "../io.js";
import { printJson } from "../output.js";
import { CliExit, EXIT } from "../exit-codes.js";
import { exitFor, follow, withWait, type WaitOptions } from "./promote.js";

interface AliasCommandOptions extends ClientCommandOptions {
  backend: string;
  reason?: string;
}

interface AliasRequestOptions extends WaitOptions {
  backend: string;
  reason: string;
  idempotencyKey?: string;
  expectCurrent?: string;
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

  const request = alias
    .command("request")
    .description("request pointing a protected ALIAS at VERSION (policies.protectedAliases): gates and approvals, then applied")
    .argument("<model>", "model name")
    .argument("<alias>", "protected alias name, e.g. champion")
    .argument("<version>", "version")
    .requiredOption("--backend <id>", "backend holding the model")
    .requiredOption("--reason <text>", "why: recorded in the audit trail")
    .option("--idempotency-key <key>", "replaying the same key returns the first request (use the CI run id)")
    .option("--expect-current <version>", 'compare-and-set: the version the alias points at now ("" for none)');
  withWait(withClientOptions(request, io)).action(async (model: string, name: string, version: string, opts: AliasRequestOptions) => {
    await guarded(io, opts.json, async () => {
      const client = clientFor(opts, io);
      const { promotionRequest, replayed } = await client.aliasMoveRequest({
        backend: opts.backend,
        model,
        alias: name,
        version,
        reason: opts.reason,
        ...(opts.idempotencyKey === undefined ? {} : { idempotencyKey: opts.idempotencyKey }),
        ...(opts.expectCurrent === undefined ? {} : { expectedCurrentVersion: opts.expectCurrent }),
      });
      const last = await follow(client, opts, promotionRequest, (id) => client.promotionRequest(id));
      if (opts.json) printJson(io, { ...last, alias: name, replayed });
      else {
        const gates = last.gates.map((g) => `  ${g.passed ? "passed" : "waiting"}  ${g.gate}: ${g.detail}`);
        const failure = last.failure === null ? [] : [`  reason: ${last.failure}`];
        io.stdout(
          [
            ...(replayed ? ["(replayed: this idempotency key was used before; nothing was done again)"] : []),
            `alias move ${last.id}: "${name}" of ${opts.backend}/${model} -> ${version} (gates of ${last.environment}): ${last.status}`,
            ...gates,
            ...failure,
          ].join("\n") + "\n",
        );
      }
      const code = exitFor(last, opts.wait === true);
      if (code !== EXIT.OK) throw new CliExit(code);
    });
  });

  return alias;
}
