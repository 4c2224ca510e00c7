/**
 * `modelgate token new` and `modelgate token hash`: make bearer tokens for modelgate.yaml's
 * auth.tokens, which stores only their SHA-256.
 */
import { randomBytes } from "node:crypto";
import { Command, Option } from "commander";
import { ROLES } from "../../core/roles.js";
import { sha256Hex } from "../../http/auth.js";
import { CliExit, EXIT } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { printJson } from "../output.js";

export function tokenCommand(io: CliIo): Command {
  const cmd = new Command("token").description("make bearer tokens for auth.tokens in modelgate.yaml (only their SHA-256 is stored)");
  cmd
    .command("new")
    .description("generate a random token; prints it once, with the config entry holding its hash")
    .requiredOption("--subject <id>", "who the token stands for (recorded as the actor)")
    .addOption(new Option("--role <role...>", "roles").choices([...ROLES]).default(["viewer"]))
    .option("--json", "print JSON")
    .action((opts: { subject: string; role: string[]; json?: boolean }) => {
      const token = `mg_${randomBytes(32).toString("base64url")}`;
      const entry = { subject: opts.subject, sha256: sha256Hex(token), roles: opts.role };
      if (opts.json) {
        printJson(io, { token, entry });
        return;
      }
      io.stdout(
        `token (shown once; give it to ${opts.subject}, e.g. as MODELGATE_TOKEN):\n  ${token}\n\n` +
          `add to modelgate.yaml under auth.tokens:\n  - subject: ${entry.subject}\n    sha256: ${entry.sha256}\n    roles: [${entry.roles.join(", ")}]\n`,
      );
    });
  cmd
    .command("hash")
    .description("print the SHA-256 of a token given on standard input (or --token)")
    .option("--token <token>", "the token (prefer standard input: arguments show up in process lists)")
    .action(async (opts: { token?: string }) => {
      const token = (opts.token ?? (await readStdin())).trim();
      if (token.length === 0) {
        io.stderr("error: no token given on standard input\n");
        throw new CliExit(EXIT.USAGE);
      }
      io.stdout(`${sha256Hex(token)}\n`);
    });
  return cmd;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
