/**
 * `modelgate audit verify|checkpoint|keygen`: operator tools over the audit trail. They read the
 * gateway's database directly (the config's dataDir, like `serve`) and run next to it; they never
 * create a database.
 *
 * Exit codes: 0 ok; 1 the chain is broken or the checkpoint does not hold (bad signature, tail cut,
 * unreadable checkpoint document), or the database cannot be read; 2 usage, configuration or key
 * file errors. The store and config modules are loaded only when a command runs.
 */
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Command } from "commander";
import type { AuditVerification } from "../../audit/verify.js";
import type { AuditVerificationWithCheckpoint } from "../../audit/verify-checkpoint.js";
import type { Store } from "../../store/store.js";
import { CliExit, EXIT, UsageError, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { printJson } from "../output.js";

interface TrailOptions {
  config?: string;
  json?: boolean;
}

interface VerifyOptions extends TrailOptions {
  checkpoint?: string;
  publicKey?: string;
}

interface CheckpointOptions extends TrailOptions {
  key: string;
  out: string;
  gateway?: string;
}

interface KeygenOptions {
  outPrivate: string;
  outPublic: string;
  json?: boolean;
}

const AUDIT_EXIT_CODES_HELP = `
Exit codes of the audit commands:
  0  ok
  1  the chain is broken, the checkpoint does not hold (signature, cut tail, unreadable document),
     or the database cannot be read
  2  usage, configuration or key file error

See docs/audit.md for what is hashed and what a verification proves.`;

const CONFIG_HELP = "the gateway's config file (default: $MODELGATE_CONFIG, else ./modelgate.yaml when present)";

export function auditCommand(io: CliIo): Command {
  const audit = new Command("audit")
    .description("verify the audit trail's hash chain and make signed checkpoints of its head")
    .addHelpText("after", AUDIT_EXIT_CODES_HELP);

  audit
    .command("verify")
    .description("verify the whole hash chain; with a checkpoint, also prove that no events were cut from the end")
    .option("--config <file>", CONFIG_HELP)
    .option("--checkpoint <file>", "a checkpoint made by `modelgate audit checkpoint` (needs --public-key)")
    .option("--public-key <file>", "the Ed25519 public key (PEM) of the key pair that signed the checkpoint")
    .option("--json", "print JSON")
    .action(async (opts: VerifyOptions) => {
      await guarded(io, opts.json === true, () => verify(io, opts));
    });

  audit
    .command("checkpoint")
    .description("verify the chain, then write a signed statement of its head, to keep outside the database")
    .requiredOption("--key <file>", "Ed25519 private key (PEM) to sign with (`modelgate audit keygen` makes one)")
    .requiredOption("--out <file>", 'where to write the checkpoint ("-" for standard output)')
    .option("--gateway <name>", "name of this gateway, recorded in the checkpoint")
    .option("--config <file>", CONFIG_HELP)
    .option("--json", "print JSON")
    .action(async (opts: CheckpointOptions) => {
      await guarded(io, opts.json === true, () => checkpoint(io, opts));
    });

  audit
    .command("keygen")
    .description("generate an Ed25519 key pair for signing checkpoints (the private key file gets mode 0600)")
    .requiredOption("--out-private <file>", "private key file to create (PEM, PKCS#8)")
    .requiredOption("--out-public <file>", "public key file to create (PEM, SPKI)")
    .option("--json", "print JSON")
    .action(async (opts: KeygenOptions) => {
      await guarded(io, opts.json === true, () => keygen(io, opts));
    });

  return audit;
}

// ---------------------------------------------------------------------------------------------
// verify

async function verify(io: CliIo, opts: VerifyOptions): Promise<void> {
  if ((opts.checkpoint === undefined) !== (opts.publicKey === undefined)) {
    throw new UsageError("--checkpoint and --public-key go together: a checkpoint is only evidence once its signature is verified");
  }
  const { readPublicKeyFile } = await import("../../audit/keys.js");
  const { parseCheckpoint } = await import("../../audit/checkpoint.js");
  const publicKey = opts.publicKey === undefined ? undefined : await readPublicKeyFile(opts.publicKey);
  const checkpoint = opts.checkpoint === undefined ? undefined : parseCheckpoint(await readCheckpointFile(opts.checkpoint), resolve(opts.checkpoint));

  const result = await withTrail(io, opts.config, async (store) => {
    if (checkpoint === undefined || publicKey === undefined) {
      const { verifyAuditTrail } = await import("../../audit/verify.js");
      return verifyAuditTrail(store);
    }
    const { verifyAuditTrailAgainst } = await import("../../audit/verify-checkpoint.js");
    return verifyAuditTrailAgainst(store, checkpoint, publicKey);
  });

  if (opts.json) printJson(io, result);
  else printVerification(io, result);
  if (!result.ok) throw new CliExit(EXIT.FAULT);
}

async function readCheckpointFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read the checkpoint file ${resolve(file)}: ${errorMessage(err)}`);
  }
}

function describeHead(head: AuditVerification["head"]): string {
  return head === null ? "no event" : `event ${head.seq} (hash ${head.hash})`;
}

function printVerification(io: CliIo, result: AuditVerification | AuditVerificationWithCheckpoint): void {
  if (result.firstBroken === undefined) {
    const size = result.events === 0 ? "empty (no events yet)" : `${result.events} events, head ${describeHead(result.head)}`;
    io.stdout(`audit trail intact: ${size}\n`);
  } else {
    io.stderr(
      `audit trail BROKEN at event ${result.firstBroken.seq}: ${result.firstBroken.reason}\n` +
        `  ${result.events} events before it verified; the newest intact one is ${describeHead(result.head)}\n`,
    );
  }
  if (!("checkpoint" in result)) return;
  const cp = result.checkpoint;
  const made = `made ${cp.at}${cp.gateway === undefined ? "" : ` on ${cp.gateway}`}, key ${cp.keyId}`;
  if (cp.ok) {
    io.stdout(`checkpoint confirmed: event ${cp.seq} (hash ${cp.hash}) is in the trail unchanged (${made})\n`);
  } else {
    io.stderr(`checkpoint FAILED (event ${cp.seq}, ${made}): ${cp.failure ?? "unknown failure"}\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// checkpoint

async function checkpoint(io: CliIo, opts: CheckpointOptions): Promise<void> {
  const toStdout = opts.out === "-";
  if (toStdout && opts.json) throw new UsageError("--json cannot be combined with --out - (the checkpoint itself is written to standard output)");
  if (opts.gateway !== undefined && (opts.gateway.trim() === "" || opts.gateway.length > 200)) {
    throw new UsageError(`--gateway must be a name of 1 to 200 characters, got "${opts.gateway}"`);
  }
  const { readPrivateKeyFile } = await import("../../audit/keys.js");
  const { createCheckpoint, serializeCheckpoint } = await import("../../audit/checkpoint.js");
  const privateKey = await readPrivateKeyFile(opts.key);

  const verification = await withTrail(io, opts.config, async (store) => {
    const { verifyAuditTrail } = await import("../../audit/verify.js");
    return verifyAuditTrail(store);
  });
  if (verification.firstBroken !== undefined) {
    const { seq, reason } = verification.firstBroken;
    throw new AuditCommandFailure(EXIT.FAULT, "BROKEN_CHAIN", `the audit trail is broken at event ${seq}: ${reason}; no checkpoint was written`);
  }
  if (verification.head === null) {
    throw new AuditCommandFailure(EXIT.FAULT, "EMPTY_TRAIL", "the audit trail is empty: there is no head to checkpoint yet; no checkpoint was written");
  }

  const made = createCheckpoint({
    head: verification.head,
    privateKey,
    ...(opts.gateway === undefined ? {} : { gateway: opts.gateway }),
  });
  const text = serializeCheckpoint(made);
  if (toStdout) {
    io.stdout(text);
    return;
  }
  const file = resolve(opts.out);
  await writeAtomically(file, text);
  if (opts.json) printJson(io, { file, checkpoint: made });
  else io.stdout(`checkpoint of event ${made.seq} (hash ${made.hash}) written to ${file}; keep it outside the database\n`);
}

/** Writes through a temporary file and a rename, so a reader never sees half a checkpoint. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text, { encoding: "utf8", flag: "wx", mode: 0o644 });
    await rename(temporary, file);
  } catch (err) {
    await rm(temporary, { force: true });
    throw new UsageError(`cannot write the checkpoint file ${file}: ${errorMessage(err)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// keygen

async function keygen(io: CliIo, opts: KeygenOptions): Promise<void> {
  const { writeNewKeyPair } = await import("../../audit/keys.js");
  const pair = await writeNewKeyPair(opts.outPrivate, opts.outPublic);
  if (opts.json) {
    printJson(io, pair);
    return;
  }
  io.stdout(
    `private key: ${pair.privateKeyFile} (mode 0600; only the job that makes checkpoints needs it)\n` +
      `public key:  ${pair.publicKeyFile} (give it to whoever verifies checkpoints)\n` +
      `key id:      ${pair.keyId}\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// shared

/** A command outcome that is not a crash: printed as `error: message`, with --json as `{ error }`. */
class AuditCommandFailure extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "AuditCommandFailure";
  }
}

/** Loads the config, opens the existing trail, runs `fn` and closes the store again. */
async function withTrail<T>(io: CliIo, configPath: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const { loadConfig } = await import("../../config/index.js");
  const { openExistingTrail } = await import("../../audit/open-trail.js");
  const loaded = await loadConfig({ ...(configPath === undefined ? {} : { path: configPath }), env: io.env as NodeJS.ProcessEnv });
  const store = await openExistingTrail(loaded);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Maps an error to the exit code and the `error.code` of --json output. */
async function classify(err: unknown): Promise<{ exitCode: ExitCode; code: string }> {
  if (err instanceof AuditCommandFailure) return { exitCode: err.exitCode, code: err.code };
  if (err instanceof UsageError) return { exitCode: EXIT.USAGE, code: "USAGE" };
  const { ConfigError } = await import("../../config/index.js");
  const { AuditKeyError, AuditTrailNotFoundError, CheckpointFormatError } = await import("../../audit/errors.js");
  if (err instanceof ConfigError) return { exitCode: EXIT.USAGE, code: "CONFIG" };
  if (err instanceof AuditTrailNotFoundError) return { exitCode: EXIT.USAGE, code: "NO_AUDIT_DATABASE" };
  if (err instanceof AuditKeyError) return { exitCode: EXIT.USAGE, code: "KEY" };
  if (err instanceof CheckpointFormatError) return { exitCode: EXIT.FAULT, code: "BAD_CHECKPOINT" };
  const { StoreError } = await import("../../store/errors.js");
  if (err instanceof StoreError) return { exitCode: EXIT.FAULT, code: "STORE" };
  return { exitCode: EXIT.FAULT, code: "INTERNAL" };
}

/** Runs a command body, reporting any error (stderr, and `{ error }` on stdout with --json) as its exit code. */
async function guarded(io: CliIo, json: boolean, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof CliExit) throw err;
    const { exitCode, code } = await classify(err);
    const message = errorMessage(err);
    io.stderr(`error: ${message}\n`);
    if (json) printJson(io, { error: { code, message, exitCode } });
    throw new CliExit(exitCode);
  }
}
