/**
 * The modelgate command line: `serve` and the client commands talking to a running gateway.
 * `runCli` runs one invocation and returns its exit code (see ./exit-codes.ts); tests call it with
 * captured output instead of spawning processes.
 */
import { Command, CommanderError } from "commander";
import { aliasCommand } from "./commands/alias.js";
import { auditCommand } from "./commands/audit.js";
import { copyCommand } from "./commands/copy.js";
import { deployCommand } from "./commands/deploy.js";
import { deploymentsCommand } from "./commands/deployments.js";
import { rolloutCommand } from "./commands/rollout.js";
import { modelsCommand } from "./commands/models.js";
import { approveCommand, promoteCommand, rejectCommand, rollbackCommand } from "./commands/promote.js";
import { cardCommand, diffCommand, impactCommand, lineageCommand, signatureCommand } from "./commands/provenance.js";
import { registerCommand } from "./commands/register.js";
import { resolveCommand } from "./commands/resolve.js";
import { serveCommand } from "./commands/serve.js";
import { shadowCommand } from "./commands/shadow.js";
import { tokenCommand } from "./commands/token.js";
import { versionsCommand } from "./commands/versions.js";
import { whatsRunningCommand } from "./commands/whats-running.js";
import { idleCommand, usageCommand, usageReportCommand } from "./commands/usage.js";
import { lifecycleCommand } from "./commands/lifecycle.js";
import { CliExit, EXIT, exitCodeOf } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { packageVersion } from "./version.js";

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  server or network fault (gateway unreachable, backend unavailable, partial result);
     audit verify: the trail or the checkpoint is broken
  2  usage, configuration or input error (including a mutation's userErrors)
  3  not found (unknown model, version, alias, backend or deployment)
  4  promote/approve/reject/rollback/deploy/copy --wait: still pending when --timeout ran out
     (with --wait those exit 0 when APPLIED, 1 when FAILED, 2 when refused or REJECTED)

Environment:
  MODELGATE_URL         gateway for the client commands (default http://127.0.0.1:4000)
  MODELGATE_TOKEN       sent as a bearer token by the client commands
  MODELGATE_TIMEOUT_MS  client request timeout (default 30000)
  MODELGATE_CONFIG      config file for serve and the audit commands`;

export function buildProgram(io: CliIo): Command {
  const program = new Command("modelgate")
    .description("One GraphQL API over MLflow, SageMaker, Vertex AI and git-YAML model registries.")
    .version(packageVersion())
    .addHelpText("after", EXIT_CODES_HELP)
    .showSuggestionAfterError(true)
    // Options after a subcommand's name are that subcommand's: `deploy rollback NAME --json`.
    .enablePositionalOptions()
    .addCommand(serveCommand(io))
    .addCommand(modelsCommand(io))
    .addCommand(versionsCommand(io))
    .addCommand(resolveCommand(io))
    .addCommand(registerCommand(io))
    .addCommand(aliasCommand(io))
    .addCommand(tokenCommand(io))
    .addCommand(auditCommand(io))
    .addCommand(promoteCommand(io))
    .addCommand(approveCommand(io))
    .addCommand(rejectCommand(io))
    .addCommand(rollbackCommand(io))
    .addCommand(deployCommand(io))
    .addCommand(deploymentsCommand(io))
    .addCommand(diffCommand(io))
    .addCommand(cardCommand(io))
    .addCommand(lineageCommand(io))
    .addCommand(impactCommand(io))
    .addCommand(signatureCommand(io))
    .addCommand(whatsRunningCommand(io))
    .addCommand(usageCommand(io))
    .addCommand(idleCommand(io))
    .addCommand(usageReportCommand(io))
    .addCommand(lifecycleCommand(io))
    .addCommand(shadowCommand(io))
    .addCommand(rolloutCommand(io))
    .addCommand(copyCommand(io));
  configureAll(program, io);
  return program;
}

/** Commands added with addCommand do not inherit settings: apply output and exit handling to every one. */
function configureAll(cmd: Command, io: CliIo): void {
  cmd.exitOverride().configureOutput({
    writeOut: (text) => io.stdout(text),
    writeErr: (text) => io.stderr(text),
  });
  for (const sub of cmd.commands) configureAll(sub, io);
}

/** Runs one invocation (`argv` without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CliExit || err instanceof CommanderError) return exitCodeOf(err);
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.FAULT;
  }
}
