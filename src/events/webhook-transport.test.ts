import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { TargetGuard, TargetRefusedError, type ResolveAll } from "./webhook-transport.js";

/** A resolver whose answers the test changes: a DNS name under an attacker's control. */
function controlledDns(initial: Record<string, string[]>) {
  const answers = new Map(Object.entries(initial));
  const resolve: ResolveAll = async (host) => {
    const found = answers.get(host);
    if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return found.map((address): LookupAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { resolve, set: (host: string, addresses: string[]) => answers.set(host, addresses) };
}

function lookup(guard: TargetGuard, host: string, options: { all?: boolean; family?: number } = {}): Promise<{ err: Error | null; address: unknown; family?: number }> {
  return new Promise((done) => guard.lookup(host, options, (err, address, family) => done({ err, address, ...(family === undefined ? {} : { family }) })));
}

describe("TargetGuard", () => {
  it("refuses at creation a name that resolves to a private address, naming the address", async () => {
    const dns = controlledDns({ "hooks.example.com": ["10.0.0.7"] });
    const err = await new TargetGuard({ resolve: dns.resolve }).check("https://hooks.example.com/x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetRefusedError);
    expect((err as Error).message).toMatch(/^10\.0\.0\.7 \(what hooks\.example\.com resolves to\) is a private address/);
  });

  it("refuses a name with one private address among public ones", async () => {
    const dns = controlledDns({ "mixed.example.com": ["93.184.216.34", "127.0.0.1"] });
    await expect(new TargetGuard({ resolve: dns.resolve }).check("http://mixed.example.com/")).rejects.toThrow(/127\.0\.0\.1 .* loopback/);
  });

  it("refuses IP literals, bracketed IPv6 and mapped forms without asking DNS", async () => {
    const guard = new TargetGuard({ resolve: () => Promise.reject(new Error("DNS must not be asked")) });
    for (const url of ["http://127.0.0.1:8080/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[fd00::1]/"]) {
      await expect(guard.check(url), url).rejects.toBeInstanceOf(TargetRefusedError);
    }
    await expect(guard.check("http://93.184.216.34/")).resolves.toBeUndefined();
  });

  it("says when a name does not resolve", async () => {
    await expect(new TargetGuard({ resolve: controlledDns({}).resolve }).check("http://nowhere.test/")).rejects.toThrow("cannot resolve nowhere.test (ENOTFOUND)");
  });

  it("checks again in the connection's lookup: a name rebound to 127.0.0.1 after the check gets no address", async () => {
    const dns = controlledDns({ "rebind.example.com": ["93.184.216.34"] });
    const guard = new TargetGuard({ resolve: dns.resolve });
    await guard.check("http://rebind.example.com/");
    dns.set("rebind.example.com", ["127.0.0.1"]);
    const connect = await lookup(guard, "rebind.example.com");
    expect(connect.err).toBeInstanceOf(TargetRefusedError);
    expect(connect.err?.message).toMatch(/^127\.0\.0\.1 \(what rebind\.example\.com resolves to\) is a loopback address/);
  });

  it("answers the socket with exactly the checked addresses (one, or all for happy eyeballs), filtered by family", async () => {
    const dns = controlledDns({ "dual.example.com": ["93.184.216.34", "2606:2800:220:1::1"] });
    const guard = new TargetGuard({ resolve: dns.resolve });
    expect(await lookup(guard, "dual.example.com")).toEqual({ err: null, address: "93.184.216.34", family: 4 });
    expect(await lookup(guard, "dual.example.com", { all: true })).toEqual({
      err: null,
      address: [
        { address: "93.184.216.34", family: 4 },
        { address: "2606:2800:220:1::1", family: 6 },
      ],
    });
    expect(await lookup(guard, "dual.example.com", { family: 6 })).toEqual({ err: null, address: "2606:2800:220:1::1", family: 6 });
  });

  it("lets the allowlist through, by address, network or host name", async () => {
    const dns = controlledDns({ "hooks.internal": ["10.1.2.3"], "other.internal": ["10.9.9.9"] });
    await expect(new TargetGuard({ resolve: dns.resolve, allowPrivateTargets: ["hooks.internal"] }).check("http://hooks.internal/")).resolves.toBeUndefined();
    await expect(new TargetGuard({ resolve: dns.resolve, allowPrivateTargets: ["10.1.0.0/16"] }).check("http://hooks.internal/")).resolves.toBeUndefined();
    await expect(new TargetGuard({ resolve: dns.resolve, allowPrivateTargets: ["10.1.0.0/16"] }).check("http://other.internal/")).rejects.toThrow(/10\.9\.9\.9/);
  });
});
