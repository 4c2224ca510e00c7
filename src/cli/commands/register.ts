/** `modelgate register MODEL --backend B ...`: registers a new version (audited). */
import { Command } from "commander";
import type { RegisterVersionInput } from "../../client/index.js";
import { clientFor, guarded, withClientOptions, type ClientCommandOptions } from "../client-options.js";
import { UsageError } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { printJson } from "../output.js";
import { collectJson, collectNumber, collectString } from "../parse.js";

interface RegisterCommandOptions extends ClientCommandOptions {
  backend: string;
  artifactUri?: string;
  description?: string;
  tag?: Record<string, string>;
  metric?: Record<string, number>;
  modelId?: string;
  promptRef?: string;
  toolsRef?: string;
  param?: Record<string, unknown>;
  reason?: string;
}

export function registerCommand(io: CliIo): Command {
  const cmd = new Command("register")
    .description("register a new version of a model (the model is created when it does not exist)")
    .argument("<model>", "model name")
    .requiredOption("--backend <id>", "backend to register in")
    .option("--artifact-uri <uri>", "where the artifact lives (s3://, gs://, ...)")
    .option("--description <text>", "free text")
    .option("--tag <key=value>", "a tag (repeatable)", collectString)
    .option("--metric <key=number>", "a metric (repeatable)", collectNumber)
    .option("--model-id <id>", "generation config: pinned provider model id, e.g. gpt-5-mini-2026-06-10")
    .option("--prompt-ref <name@version>", "generation config: the prompt")
    .option("--tools-ref <name@version>", "generation config: the tool schemas")
    .option("--param <key=value>", "generation config parameter, JSON or text (repeatable)", collectJson)
    .option("--reason <text>", "why: recorded in the audit trail");
  withClientOptions(cmd, io).action(async (model: string, opts: RegisterCommandOptions) => {
    await guarded(io, opts.json, async () => {
      const input = registerInput(model, opts);
      const version = await clientFor(opts, io).registerVersion(input);
      if (opts.json) printJson(io, version);
      else io.stdout(`registered ${version.registryVersion} (stage ${version.stage})\n`);
    });
  });
  return cmd;
}

export function registerInput(model: string, opts: RegisterCommandOptions): RegisterVersionInput {
  const genOnly = (["promptRef", "toolsRef", "param"] as const).filter((k) => opts[k] !== undefined);
  if (opts.modelId === undefined && genOnly.length > 0) {
    const flags = genOnly.map((k) => (k === "param" ? "--param" : k === "promptRef" ? "--prompt-ref" : "--tools-ref"));
    throw new UsageError(`${flags.join(", ")} describe a generation config and need --model-id`);
  }
  return {
    backend: opts.backend,
    model,
    ...(opts.artifactUri === undefined ? {} : { artifactUri: opts.artifactUri }),
    ...(opts.description === undefined ? {} : { description: opts.description }),
    ...(opts.tag === undefined ? {} : { tags: opts.tag }),
    ...(opts.metric === undefined ? {} : { metrics: opts.metric }),
    ...(opts.reason === undefined ? {} : { reason: opts.reason }),
    ...(opts.modelId === undefined
      ? {}
      : {
          generationConfig: {
            model: opts.modelId,
            ...(opts.promptRef === undefined ? {} : { promptRef: opts.promptRef }),
            ...(opts.toolsRef === undefined ? {} : { toolsRef: opts.toolsRef }),
            ...(opts.param === undefined ? {} : { params: opts.param }),
          },
        }),
  };
}
