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
  trainParam?: Record<string, unknown>;
  runId?: string;
  runLink?: string;
  codeCommit?: string;
  datasetHash?: string;
  parentModel?: string;
  teacherModel?: string;
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
    .option("--train-param <key=value>", "a training parameter, JSON or text (repeatable; seeds too: --train-param seed=42)", collectJson)
    .option("--run-id <id>", "lineage: the training run")
    .option("--run-link <url>", "lineage: a link to the training run")
    .option("--code-commit <sha>", "lineage: the code commit it was built from")
    .option("--dataset-hash <hash>", "lineage: the dataset it was trained on, e.g. sha256:...")
    .option("--parent-model <ref>", "lineage: the parent or base model (backend/name@version, models:/name/3, or an outside id)")
    .option("--teacher-model <ref>", "lineage: the teacher it was distilled from")
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
    ...(opts.trainParam === undefined ? {} : { params: opts.trainParam }),
    ...(lineage(opts) === undefined ? {} : { lineage: lineage(opts)! }),
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

const LINEAGE_OPTIONS = ["runId", "runLink", "codeCommit", "datasetHash", "parentModel", "teacherModel"] as const;

function lineage(opts: RegisterCommandOptions): NonNullable<RegisterVersionInput["lineage"]> | undefined {
  const set = LINEAGE_OPTIONS.filter((k) => opts[k] !== undefined);
  return set.length === 0 ? undefined : Object.fromEntries(set.map((k) => [k, opts[k]!]));
}
