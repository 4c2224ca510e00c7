/**
 * `modelgate audit verify|checkpoint|keygen` run in-process against a gateway's data dir (config
 * file + SQLite database), tampered with through raw SQL as someone with the database file could.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/index.js";
import { openStore } from "../../store/open-store.js";
import type { AuditEvent } from "../../store/store.js";
import { captureIo, type CapturedIo } from "../capture-io.js";
import { runCli } from "../program.js";

let dir: string;
let config: string;
let dbFile: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelgate-audit-cli-"));
  config = join(dir, "modelgate.yaml");
  dbFile = join(dir, "data", "modelgate.db");
  await writeFile(config, "dataDir: data\nlogLevel: silent\n");
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Appends `count` events through the store, as the gateway would. */
async function seed(count: number): Promise<AuditEvent[]> {
  const store = await openStore(await loadConfig({ path: config, env: {} }));
  const events: AuditEvent[] = [];
  try {
    for (let i = 1; i <= count; i++) {
      events.push(
        await store.appendAudit({ actor: "ci", action: "alias.set", targetType: "alias", target: `example/m@${i}`, after: { version: String(i) }, outcome: "SUCCESS" }),
      );
    }
  } finally {
    await store.close();
  }
  return events;
}

function sqlOnDatabase(statement: string): void {
  const raw = new Database(dbFile);
  try {
    expect(raw.prepare(statement).run().changes, `"${statement}" changed no row`).toBeGreaterThan(0);
  } finally {
    raw.close();
  }
}

async function run(...args: string[]): Promise<{ code: number; io: CapturedIo }> {
  const io = captureIo({});
  const code = await runCli(["audit", ...args], io);
  return { code, io };
}

async function keygen(): Promise<{ priv: string; pub: string }> {
  const priv = join(dir, "checkpoint.key");
  const pub = join(dir, "checkpoint.pub");
  const { code } = await run("keygen", "--out-private", priv, "--out-public", pub);
  expect(code).toBe(0);
  return { priv, pub };
}

describe("modelgate audit keygen", () => {
  it("writes a key pair, the private key with mode 0600, and names its key id", async () => {
    const priv = join(dir, "k.key");
    const pub = join(dir, "k.pub");
    const { code, io } = await run("keygen", "--out-private", priv, "--out-public", pub, "--json");
    expect(code).toBe(0);
    const pair = JSON.parse(io.out()) as { keyId: string; privateKeyFile: string; publicKeyFile: string };
    expect(pair).toEqual({ keyId: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown as string, privateKeyFile: priv, publicKeyFile: pub });
    expect((await stat(priv)).mode & 0o777).toBe(0o600);

    const again = await run("keygen", "--out-private", priv, "--out-public", join(dir, "other.pub"), "--json");
    expect(again.code).toBe(2);
    expect(again.io.err()).toContain("the file already exists");
    expect(JSON.parse(again.io.out())).toMatchObject({ error: { code: "KEY", exitCode: 2 } });
  });
});

describe("modelgate audit verify", () => {
  it("exits 0 on an intact trail and reports its head", async () => {
    const events = await seed(5);
    const text = await run("verify", "--config", config);
    expect(text.code).toBe(0);
    expect(text.io.out()).toBe(`audit trail intact: 5 events, head event 5 (hash ${events[4]!.hash})\n`);

    const json = await run("verify", "--config", config, "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.io.out())).toEqual({ ok: true, events: 5, head: { seq: 5, hash: events[4]!.hash } });
  });

  it("exits 1 naming the first broken seq and why when a row was edited", async () => {
    await seed(5);
    sqlOnDatabase("update audit_events set actor = 'mallory' where seq = 3");
    const text = await run("verify", "--config", config);
    expect(text.code).toBe(1);
    expect(text.io.out()).toBe("");
    expect(text.io.err()).toContain("audit trail BROKEN at event 3: hash does not match the event's content: the event was altered\n");
    expect(text.io.err()).toContain("2 events before it verified; the newest intact one is event 2");

    const json = await run("verify", "--config", config, "--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.io.out())).toMatchObject({ ok: false, events: 2, head: { seq: 2 }, firstBroken: { seq: 3 } });
  });

  it("exits 1 when a row was deleted from the middle", async () => {
    await seed(5);
    sqlOnDatabase("delete from audit_events where seq = 2");
    const { code, io } = await run("verify", "--config", config);
    expect(code).toBe(1);
    expect(io.err()).toContain("audit trail BROKEN at event 2: event 2 is missing: the chain goes from 1 to 3");
  });

  it("exits 2 when the config points at a data dir without a database, and creates none", async () => {
    const empty = join(dir, "empty.yaml");
    await writeFile(empty, "dataDir: nowhere\n");
    const { code, io } = await run("verify", "--config", empty, "--json");
    expect(code).toBe(2);
    expect(io.err()).toContain(`there is no audit database at ${join(dir, "nowhere", "modelgate.db")}`);
    expect(JSON.parse(io.out())).toMatchObject({ error: { code: "NO_AUDIT_DATABASE", exitCode: 2 } });
    await expect(stat(join(dir, "nowhere"))).rejects.toThrow(/ENOENT/);
  });

  it("exits 1 when the database cannot be opened", async () => {
    await mkdir(join(dir, "data"));
    await writeFile(dbFile, "this is not a SQLite database, it is just text long enough to have a header of sorts....");
    const { code, io } = await run("verify", "--config", config, "--json");
    expect(code).toBe(1);
    expect(io.err()).toContain(`cannot open the SQLite database ${dbFile}`);
    expect(JSON.parse(io.out())).toMatchObject({ error: { code: "STORE", exitCode: 1 } });
  });

  it("exits 2 on a config error", async () => {
    await writeFile(config, "dataDir: data\nlogLevel: loud\n");
    const { code, io } = await run("verify", "--config", config);
    expect(code).toBe(2);
    expect(io.err()).toContain("logLevel (line 2)");
  });

  it("exits 2 when --checkpoint comes without --public-key", async () => {
    await seed(1);
    const { code, io } = await run("verify", "--config", config, "--checkpoint", join(dir, "cp.json"));
    expect(code).toBe(2);
    expect(io.err()).toContain("--checkpoint and --public-key go together");
  });
});

describe("modelgate audit checkpoint", () => {
  it("writes a checkpoint that verify confirms, and that reveals a cut tail later", async () => {
    const events = await seed(6);
    const { priv, pub } = await keygen();
    const out = join(dir, "cp.json");
    const made = await run("checkpoint", "--config", config, "--key", priv, "--out", out, "--gateway", "prod-eu");
    expect(made.code).toBe(0);
    expect(made.io.out()).toBe(`checkpoint of event 6 (hash ${events[5]!.hash}) written to ${out}; keep it outside the database\n`);
    expect(JSON.parse(await readFile(out, "utf8"))).toMatchObject({ version: 1, seq: 6, hash: events[5]!.hash, gateway: "prod-eu" });

    const confirmed = await run("verify", "--config", config, "--checkpoint", out, "--public-key", pub);
    expect(confirmed.code).toBe(0);
    expect(confirmed.io.out()).toContain(`checkpoint confirmed: event 6 (hash ${events[5]!.hash}) is in the trail unchanged (made `);

    sqlOnDatabase("delete from audit_events where seq >= 5");
    expect((await run("verify", "--config", config)).code).toBe(0);

    const cut = await run("verify", "--config", config, "--checkpoint", out, "--public-key", pub);
    expect(cut.code).toBe(1);
    expect(cut.io.err()).toContain("audit trail BROKEN at event 5: the trail ends at event 4 but the checkpoint recorded event 6");
    expect(cut.io.err()).toContain("checkpoint FAILED (event 6, made ");
    expect(cut.io.err()).toContain("cut from the end of the trail");

    const json = await run("verify", "--config", config, "--checkpoint", out, "--public-key", pub, "--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.io.out())).toMatchObject({
      ok: false,
      events: 4,
      firstBroken: { seq: 5 },
      checkpoint: { ok: false, seq: 6, gateway: "prod-eu" },
    });
  });

  it("fails verification of an edited checkpoint or with the wrong public key", async () => {
    await seed(3);
    const { priv, pub } = await keygen();
    const out = join(dir, "cp.json");
    expect((await run("checkpoint", "--config", config, "--key", priv, "--out", out)).code).toBe(0);

    const doc = JSON.parse(await readFile(out, "utf8")) as Record<string, unknown>;
    const edited = join(dir, "edited.json");
    await writeFile(edited, JSON.stringify({ ...doc, seq: 2 }));
    const tampered = await run("verify", "--config", config, "--checkpoint", edited, "--public-key", pub);
    expect(tampered.code).toBe(1);
    expect(tampered.io.out()).toContain("audit trail intact: 3 events");
    expect(tampered.io.err()).toContain("checkpoint FAILED (event 2, made ");
    expect(tampered.io.err()).toContain("the signature does not match the checkpoint's content");

    const otherPriv = join(dir, "other.key");
    const otherPub = join(dir, "other.pub");
    expect((await run("keygen", "--out-private", otherPriv, "--out-public", otherPub)).code).toBe(0);
    const wrongKey = await run("verify", "--config", config, "--checkpoint", out, "--public-key", otherPub, "--json");
    expect(wrongKey.code).toBe(1);
    const report = JSON.parse(wrongKey.io.out()) as { ok: boolean; checkpoint: { ok: boolean; failure: string } };
    expect(report.ok).toBe(false);
    expect(report.checkpoint.ok).toBe(false);
    expect(report.checkpoint.failure).toMatch(/^the checkpoint names signing key [0-9a-f]{64}, but the public key given is [0-9a-f]{64}/);
  });

  it("exits 1 on a checkpoint file that is not a checkpoint", async () => {
    await seed(1);
    const { pub } = await keygen();
    const bad = join(dir, "bad.json");
    await writeFile(bad, "{\"version\": 1}");
    const { code, io } = await run("verify", "--config", config, "--checkpoint", bad, "--public-key", pub, "--json");
    expect(code).toBe(1);
    expect(io.err()).toContain(`error: ${bad} is not a valid modelgate checkpoint: seq: `);
    expect(JSON.parse(io.out())).toMatchObject({ error: { code: "BAD_CHECKPOINT", exitCode: 1 } });
  });

  it("writes the checkpoint to standard output with --out -", async () => {
    const events = await seed(2);
    const { priv, pub } = await keygen();
    const { code, io } = await run("checkpoint", "--config", config, "--key", priv, "--out", "-");
    expect(code).toBe(0);
    const doc = JSON.parse(io.out()) as { seq: number; hash: string };
    expect(doc).toMatchObject({ seq: 2, hash: events[1]!.hash });
    const file = join(dir, "stdout.json");
    await writeFile(file, io.out());
    expect((await run("verify", "--config", config, "--checkpoint", file, "--public-key", pub)).code).toBe(0);
  });

  it("refuses to checkpoint a broken or empty trail, writing nothing", async () => {
    const { priv } = await keygen();
    const out = join(dir, "cp.json");
    await seed(0);
    const empty = await run("checkpoint", "--config", config, "--key", priv, "--out", out, "--json");
    expect(empty.code).toBe(1);
    expect(JSON.parse(empty.io.out())).toMatchObject({ error: { code: "EMPTY_TRAIL", exitCode: 1 } });

    await seed(3);
    sqlOnDatabase("update audit_events set after_json = '{\"version\":\"9\"}' where seq = 2");
    const broken = await run("checkpoint", "--config", config, "--key", priv, "--out", out);
    expect(broken.code).toBe(1);
    expect(broken.io.err()).toContain("error: the audit trail is broken at event 2: hash does not match");
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });

  it("exits 2 on a missing key file and on --json with --out -", async () => {
    await seed(1);
    const missing = await run("checkpoint", "--config", config, "--key", join(dir, "nope.key"), "--out", join(dir, "cp.json"));
    expect(missing.code).toBe(2);
    expect(missing.io.err()).toMatch(/cannot read the private key file .*nope\.key/);

    const { priv } = await keygen();
    const both = await run("checkpoint", "--config", config, "--key", priv, "--out", "-", "--json");
    expect(both.code).toBe(2);
    expect(both.io.err()).toContain("--json cannot be combined with --out -");
  });
});
