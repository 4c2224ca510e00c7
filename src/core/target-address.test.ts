import { describe, expect, it } from "vitest";
import { TargetAddressPolicy, allowEntryProblem, nonPublicKind } from "./target-address.js";

describe("non-public addresses", () => {
  it.each([
    ["127.0.0.1", "a loopback address"],
    ["127.255.0.9", "a loopback address"],
    ["::1", "a loopback address"],
    ["::ffff:127.0.0.1", "a loopback address"],
    ["::ffff:7f00:1", "a loopback address"],
    ["0.0.0.0", 'a "this host" address (0.0.0.0/8)'],
    ["::", "an unspecified or IPv4-compatible address (::/96)"],
    ["::127.0.0.1", "an unspecified or IPv4-compatible address (::/96)"],
    ["10.1.2.3", "a private address (10.0.0.0/8)"],
    ["172.16.0.1", "a private address (172.16.0.0/12)"],
    ["172.31.255.255", "a private address (172.16.0.0/12)"],
    ["192.168.1.10", "a private address (192.168.0.0/16)"],
    ["::ffff:192.168.1.10", "a private address (192.168.0.0/16)"],
    ["169.254.169.254", "a link-local address (169.254.0.0/16, where cloud metadata services answer)"],
    ["::ffff:169.254.169.254", "a link-local address (169.254.0.0/16, where cloud metadata services answer)"],
    ["100.64.0.1", "a carrier-grade NAT address (100.64.0.0/10)"],
    ["fc00::1", "a unique local address (fc00::/7)"],
    ["fd00:ec2::254", "a unique local address (fc00::/7)"],
    ["fe80::1", "a link-local address (fe80::/10)"],
    ["FE80::abcd", "a link-local address (fe80::/10)"],
    ["ff02::1", "a multicast address"],
    ["224.0.0.1", "a multicast address"],
    ["255.255.255.255", "a reserved or broadcast address (240.0.0.0/4)"],
  ])("%s is %s", (address, kind) => {
    expect(nonPublicKind(address)).toBe(kind);
  });

  it.each(["8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("%s is public", (address) => {
    expect(nonPublicKind(address)).toBeUndefined();
  });
});

describe("allowPrivateTargets", () => {
  it("accepts IP addresses, CIDR networks and host names, and says what is wrong with anything else", () => {
    for (const ok of ["127.0.0.1", "::1", "10.20.0.0/16", "fd00::/8", "hooks.internal", "localhost"]) expect(allowEntryProblem(ok), ok).toBeUndefined();
    expect(allowEntryProblem("10.0.0.0/33")).toBe('"10.0.0.0/33" is not a CIDR network (e.g. 10.0.0.0/8 or fd00::/8)');
    expect(allowEntryProblem("fd00::/129")).toBe('"fd00::/129" is not a CIDR network (e.g. 10.0.0.0/8 or fd00::/8)');
    expect(allowEntryProblem("hooks/24")).toBe('"hooks/24" is neither an IP address, a CIDR network nor a host name');
    expect(allowEntryProblem("http://hooks.internal")).toBe('"http://hooks.internal" is neither an IP address, a CIDR network nor a host name');
    expect(() => new TargetAddressPolicy(["not a host"])).toThrow(/allowPrivateTargets/);
  });

  it("refuses every non-public address by default, naming it, the host and the key that allows it", () => {
    const policy = new TargetAddressPolicy();
    expect(policy.refusal("8.8.8.8", "8.8.8.8")).toBeUndefined();
    expect(policy.refusal("169.254.169.254", "169.254.169.254")).toBe(
      "169.254.169.254 is a link-local address (169.254.0.0/16, where cloud metadata services answer): webhooks may not target loopback, private or link-local addresses unless webhookEgress.allowPrivateTargets lists the address, its network or the host",
    );
    expect(policy.refusal("hooks.example.com", "10.0.0.5")).toMatch(/^10\.0\.0\.5 \(what hooks\.example\.com resolves to\) is a private address/);
  });

  it("allows an address, a network or a host name it lists, and nothing else", () => {
    const policy = new TargetAddressPolicy(["127.0.0.1", "10.20.0.0/16", "fd00::/8", "Hooks.Internal"]);
    expect(policy.refusal("127.0.0.1", "127.0.0.1")).toBeUndefined();
    expect(policy.refusal("localhost", "::ffff:127.0.0.1")).toBeUndefined();
    expect(policy.refusal("localhost", "::1")).toMatch(/loopback/);
    expect(policy.refusal("127.0.0.2", "127.0.0.2")).toMatch(/loopback/);
    expect(policy.refusal("x", "10.20.3.4")).toBeUndefined();
    expect(policy.refusal("x", "10.21.0.1")).toMatch(/private/);
    expect(policy.refusal("x", "fd12::1")).toBeUndefined();
    expect(policy.refusal("hooks.internal.", "192.168.1.1")).toBeUndefined();
    expect(policy.refusal("other.internal", "192.168.1.1")).toMatch(/private/);
  });
});
