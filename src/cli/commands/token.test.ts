import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../http/auth.js";
import { runCli } from "../program.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), env: {}, exit: () => {} };
  return { io, out: () => out.join(""), err: () => err.join("") };
}

describe("modelgate token", () => {
  it("new prints a fresh token and the config entry with its hash", async () => {
    const c = capture();
    expect(await runCli(["token", "new", "--subject", "ci", "--role", "publisher", "approver", "--json"], c.io)).toBe(0);
    const { token, entry } = JSON.parse(c.out()) as { token: string; entry: { subject: string; sha256: string; roles: string[] } };
    expect(token).toMatch(/^mg_[A-Za-z0-9_-]{43}$/);
    expect(entry).toEqual({ subject: "ci", sha256: sha256Hex(token), roles: ["publisher", "approver"] });

    const again = capture();
    await runCli(["token", "new", "--subject", "ci", "--json"], again.io);
    expect((JSON.parse(again.out()) as { token: string }).token).not.toBe(token);
  });

  it("new refuses unknown roles", async () => {
    const c = capture();
    expect(await runCli(["token", "new", "--subject", "ci", "--role", "superuser"], c.io)).toBe(2);
    expect(c.err()).toContain("superuser");
  });

  it("hash prints the SHA-256 of the token", async () => {
    const c = capture();
    expect(await runCli(["token", "hash", "--token", "abc"], c.io)).toBe(0);
    expect(c.out()).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
  });
});
