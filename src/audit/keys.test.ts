import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AuditKeyError } from "./errors.js";
import { keyIdOf, readPrivateKeyFile, readPublicKeyFile, writeNewKeyPair } from "./keys.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelgate-audit-keys-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("writeNewKeyPair", () => {
  it("writes a PEM Ed25519 pair, the private key readable by its owner only", async () => {
    const priv = join(dir, "checkpoint.key");
    const pub = join(dir, "checkpoint.pub");
    const pair = await writeNewKeyPair(priv, pub);
    expect((await stat(priv)).mode & 0o777).toBe(0o600);
    expect((await stat(pub)).mode & 0o777).toBe(0o644);
    expect(await readFile(priv, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await readFile(pub, "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);

    const privateKey = await readPrivateKeyFile(priv);
    const publicKey = await readPublicKeyFile(pub);
    expect(pair.keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(keyIdOf(privateKey)).toBe(pair.keyId);
    expect(keyIdOf(publicKey)).toBe(pair.keyId);
  });

  it("refuses to replace an existing key file and leaves no half pair behind", async () => {
    const priv = join(dir, "checkpoint.key");
    const pub = join(dir, "checkpoint.pub");
    await writeFile(pub, "keep me");
    await expect(writeNewKeyPair(priv, pub)).rejects.toThrow(/cannot create the public key file .*checkpoint\.pub: the file already exists/);
    await expect(stat(priv)).rejects.toThrow(/ENOENT/);
    expect(await readFile(pub, "utf8")).toBe("keep me");
  });

  it("refuses one file for both halves", async () => {
    const file = join(dir, "both.pem");
    await expect(writeNewKeyPair(file, file)).rejects.toThrow("the private and public key files must differ");
  });
});

describe("reading key files", () => {
  it("names a missing file", async () => {
    const err = await readPrivateKeyFile(join(dir, "nope.key")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditKeyError);
    expect((err as Error).message).toMatch(/^cannot read the private key file .*nope\.key: ENOENT/);
  });

  it("refuses a file that is not a PEM key", async () => {
    const file = join(dir, "garbage.pem");
    await writeFile(file, "hello");
    await expect(readPrivateKeyFile(file)).rejects.toThrow(/garbage\.pem does not hold a PEM private key/);
    await expect(readPublicKeyFile(file)).rejects.toThrow(/garbage\.pem does not hold a PEM public key/);
  });

  it("refuses keys of another algorithm", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const priv = join(dir, "ec.key");
    const pub = join(dir, "ec.pub");
    await writeFile(priv, privateKey.export({ type: "pkcs8", format: "pem" }));
    await writeFile(pub, publicKey.export({ type: "spki", format: "pem" }));
    await expect(readPrivateKeyFile(priv)).rejects.toThrow(/ec\.key holds a private key of type ec; checkpoints are signed with Ed25519 keys/);
    await expect(readPublicKeyFile(pub)).rejects.toThrow(/ec\.pub holds a public key of type ec/);
  });

  it("refuses a private key where the public key belongs", async () => {
    const priv = join(dir, "checkpoint.key");
    await writeNewKeyPair(priv, join(dir, "checkpoint.pub"));
    await expect(readPublicKeyFile(priv)).rejects.toThrow(/checkpoint\.key holds a private key; give the public key file/);
  });
});
