/**
 * Which addresses the gateway may send requests to on a user's say-so (webhook targets): not this
 * machine, not the private network it sits in, not link-local (the cloud metadata service at
 * 169.254.169.254) — unless the operator's allowlist names the address, its network or the host.
 * IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are judged as the IPv4 address they carry.
 */
import { BlockList, isIP } from "node:net";

type Family = "ipv4" | "ipv6";

/** Ranges a target may not be in, each with the words an error message uses for it. */
const REFUSED_RANGES: readonly { net: string; prefix: number; family: Family; what: string }[] = [
  { net: "127.0.0.0", prefix: 8, family: "ipv4", what: "a loopback address" },
  { net: "0.0.0.0", prefix: 8, family: "ipv4", what: 'a "this host" address (0.0.0.0/8)' },
  { net: "10.0.0.0", prefix: 8, family: "ipv4", what: "a private address (10.0.0.0/8)" },
  { net: "172.16.0.0", prefix: 12, family: "ipv4", what: "a private address (172.16.0.0/12)" },
  { net: "192.168.0.0", prefix: 16, family: "ipv4", what: "a private address (192.168.0.0/16)" },
  { net: "169.254.0.0", prefix: 16, family: "ipv4", what: "a link-local address (169.254.0.0/16, where cloud metadata services answer)" },
  { net: "100.64.0.0", prefix: 10, family: "ipv4", what: "a carrier-grade NAT address (100.64.0.0/10)" },
  { net: "192.0.0.0", prefix: 24, family: "ipv4", what: "an IETF protocol address (192.0.0.0/24)" },
  { net: "198.18.0.0", prefix: 15, family: "ipv4", what: "a benchmarking address (198.18.0.0/15)" },
  { net: "224.0.0.0", prefix: 4, family: "ipv4", what: "a multicast address" },
  { net: "240.0.0.0", prefix: 4, family: "ipv4", what: "a reserved or broadcast address (240.0.0.0/4)" },
  { net: "::1", prefix: 128, family: "ipv6", what: "a loopback address" },
  // The unspecified address and the deprecated IPv4-compatible ones (::a.b.c.d).
  { net: "::", prefix: 96, family: "ipv6", what: "an unspecified or IPv4-compatible address (::/96)" },
  { net: "fc00::", prefix: 7, family: "ipv6", what: "a unique local address (fc00::/7)" },
  { net: "fe80::", prefix: 10, family: "ipv6", what: "a link-local address (fe80::/10)" },
  { net: "fec0::", prefix: 10, family: "ipv6", what: "a site-local address (fec0::/10)" },
  { net: "ff00::", prefix: 8, family: "ipv6", what: "a multicast address" },
];

const RANGE_LISTS = REFUSED_RANGES.map((r) => {
  const list = new BlockList();
  list.addSubnet(r.net, r.prefix, r.family);
  return { list, what: r.what };
});

function familyOf(address: string): Family | undefined {
  const v = isIP(address);
  return v === 4 ? "ipv4" : v === 6 ? "ipv6" : undefined;
}

/** What kind of non-public address `address` is ("a loopback address", ...), or undefined for a public one. */
export function nonPublicKind(address: string): string | undefined {
  const family = familyOf(address);
  if (family === undefined) return undefined;
  return RANGE_LISTS.find((r) => r.list.check(address, family))?.what;
}

/** Why an allowlist entry is not usable, or undefined: an IP address, a CIDR network or a host name. */
export function allowEntryProblem(entry: string): string | undefined {
  const slash = entry.indexOf("/");
  const family = familyOf(slash >= 0 ? entry.slice(0, slash) : entry);
  if (slash >= 0 && family !== undefined) {
    const prefix = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === "ipv4" ? 32 : 128)) return `"${entry}" is not a CIDR network (e.g. 10.0.0.0/8 or fd00::/8)`;
    return undefined;
  }
  if (family !== undefined) return undefined;
  if (/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i.test(entry)) return undefined;
  return `"${entry}" is neither an IP address, a CIDR network nor a host name`;
}

/** A URL's host as a resolver or an address check wants it: lower case, IPv6 without brackets. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, "");
}

/**
 * The operator's exceptions (config `webhookEgress.allowPrivateTargets`): addresses, networks and
 * host names a target may use although they are not public.
 */
export class TargetAddressPolicy {
  readonly #networks = new BlockList();
  readonly #hosts = new Set<string>();
  readonly entries: readonly string[];

  /** Throws on an entry allowEntryProblem refuses (the config check reports those first). */
  constructor(allow: readonly string[] = []) {
    this.entries = [...allow];
    for (const raw of allow) {
      const entry = raw.trim().toLowerCase();
      const problem = allowEntryProblem(entry);
      if (problem !== undefined) throw new Error(`allowPrivateTargets: ${problem}`);
      const slash = entry.indexOf("/");
      if (slash >= 0) {
        const net = entry.slice(0, slash);
        this.#networks.addSubnet(net, Number(entry.slice(slash + 1)), familyOf(net)!);
      } else if (familyOf(entry) !== undefined) {
        this.#networks.addAddress(entry, familyOf(entry)!);
      } else {
        this.#hosts.add(entry.replace(/\.$/, ""));
      }
    }
  }

  /**
   * Why `host` (a URL's host name or IP literal) may not be reached at `address` (what it resolved
   * to), or undefined when it may: a public address, or one the allowlist names.
   */
  refusal(host: string, address: string): string | undefined {
    const kind = nonPublicKind(address);
    if (kind === undefined) return undefined;
    const name = host.toLowerCase().replace(/\.$/, "");
    if (this.#hosts.has(name)) return undefined;
    if (this.#networks.check(address, familyOf(address)!)) return undefined;
    const via = name === address.toLowerCase() ? address : `${address} (what ${host} resolves to)`;
    return `${via} is ${kind}: webhooks may not target loopback, private or link-local addresses unless webhookEgress.allowPrivateTargets lists the address, its network or the host`;
  }
}
