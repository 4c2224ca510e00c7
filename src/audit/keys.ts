/**
 * Ed25519 key pairs for signing checkpoints: PEM files (PKCS#8 private, SPKI public), as OpenSSL
 * reads and writes them (`openssl genpkey -algorithm ed25519` makes a private key that works too).
 *
 * A key's id is the lower-case hex SHA-256 of its public key's DER (SPKI) encoding; a checkpoint
 * names the key that signed it by this id, so verifying with the wrong public key says so.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { open, readFile, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { AuditKeyError } from "./errors.js";

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The id of a public key (or of the public half of a private key). */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex");
}

function requireEd25519(key: KeyObject, file: string, kind: "private" | "public"): KeyObject {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new AuditKeyError(`${file} holds a ${kind} key of type ${key.asymmetricKeyType ?? "secret"}; checkpoints are signed with Ed25519 keys (make a pair with \`modelgate audit keygen\`)`);
  }
  return key;
}

async function readKeyText(file: string, kind: "private" | "public"): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new AuditKeyError(`cannot read the ${kind} key file ${resolve(file)}: ${errorMessage(err)}`, { cause: err });
  }
}

/** Reads an Ed25519 private key from a PEM file. Throws AuditKeyError naming the file and the problem. */
export async function readPrivateKeyFile(file: string): Promise<KeyObject> {
  const text = await readKeyText(file, "private");
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (err) {
    throw new AuditKeyError(`${resolve(file)} does not hold a PEM private key: ${errorMessage(err)}`, { cause: err });
  }
  return requireEd25519(key, resolve(file), "private");
}

/** Reads an Ed25519 public key from a PEM file (a private key file is refused: hand out only public keys). */
export async function readPublicKeyFile(file: string): Promise<KeyObject> {
  const text = await readKeyText(file, "public");
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new AuditKeyError(`${resolve(file)} holds a private key; give the public key file (the private key belongs with whoever makes checkpoints)`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch (err) {
    throw new AuditKeyError(`${resolve(file)} does not hold a PEM public key: ${errorMessage(err)}`, { cause: err });
  }
  return requireEd25519(key, resolve(file), "public");
}

/** Creates `file` with `text`; refuses to replace an existing file (a key pair is not overwritten by accident). */
async function writeNewFile(file: string, text: string, mode: number, kind: string): Promise<void> {
  let handle;
  try {
    handle = await open(file, "wx", mode);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "EEXIST" ? "the file already exists (remove it first to replace the key)" : errorMessage(err);
    throw new AuditKeyError(`cannot create the ${kind} key file ${resolve(file)}: ${reason}`, { cause: err });
  }
  try {
    // The mode given to open() is filtered by the umask; set it exactly.
    await handle.chmod(mode);
    await handle.writeFile(text, "utf8");
  } catch (err) {
    await handle.close();
    await rm(file, { force: true });
    throw new AuditKeyError(`cannot write the ${kind} key file ${resolve(file)}: ${errorMessage(err)}`, { cause: err });
  }
  await handle.close();
}

export interface GeneratedKeyPair {
  keyId: string;
  privateKeyFile: string;
  publicKeyFile: string;
}

/**
 * Generates an Ed25519 key pair and writes it: the private key readable by its owner only (0600),
 * the public key 0644. Neither file may exist yet; when the public key cannot be written, the
 * private key file is removed again.
 */
export async function writeNewKeyPair(privateKeyFile: string, publicKeyFile: string): Promise<GeneratedKeyPair> {
  if (resolve(privateKeyFile) === resolve(publicKeyFile)) {
    throw new AuditKeyError(`the private and public key files must differ (both are ${resolve(privateKeyFile)})`);
  }
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  const publicPem = publicKey.export({ type: "spki", format: "pem" }) as string;
  await writeNewFile(privateKeyFile, privatePem, 0o600, "private");
  try {
    await writeNewFile(publicKeyFile, publicPem, 0o644, "public");
  } catch (err) {
    await rm(privateKeyFile, { force: true });
    throw err;
  }
  return { keyId: keyIdOf(publicKey), privateKeyFile: resolve(privateKeyFile), publicKeyFile: resolve(publicKeyFile) };
}
