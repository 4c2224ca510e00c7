/** `signing` and the provenance gates in modelgate.yaml: what start-up refuses, naming the key. */
import { describe, expect, it } from "vitest";
import { configSchema } from "./schema.js";

const backends = [{ id: "git", kind: "git-yaml", repo: "registry" }];
const issues = (extra: Record<string, unknown>) => {
  const r = configSchema.safeParse({ backends, ...extra });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};
const rule = (gates: Record<string, unknown>) => ({ policies: { rules: [{ gates }] } });

describe("signing config", () => {
  it("accepts keys, identities with a trusted root, and rules naming them", () => {
    expect(
      issues({
        signing: { keys: [{ id: "release", publicKeyFile: "keys/release.pub" }], identities: [{ id: "ci", identity: "ci@example.com" }], trustedRoot: "root.json" },
        ...rule({ requireSignature: { keys: ["release"], identities: ["ci"] }, requireLineage: ["datasetHash", "codeCommit"] }),
      }),
    ).toEqual([]);
  });

  it("refuses a gate with nothing to trust, unknown signer ids, identities without a root, and unknown lineage fields", () => {
    expect(issues(rule({ requireSignature: true }))).toEqual(["policies.rules.0.gates.requireSignature: no signer to trust: add signing.keys or signing.identities"]);
    expect(issues({ signing: { keys: [{ id: "release", publicKey: "PEM" }] }, ...rule({ requireSignature: { keys: ["nightly"] } }) })).toEqual([
      'policies.rules.0.gates.requireSignature.keys.0: unknown signing key "nightly"; configured: release',
    ]);
    expect(issues({ signing: { identities: [{ id: "ci", identity: "ci@example.com" }] } })).toEqual(["signing.trustedRoot: identities need a trusted root to check their certificates against"]);
    expect(issues({ signing: { keys: [{ id: "a", publicKey: "PEM", publicKeyFile: "a.pub" }] } })).toEqual(["signing.keys.0: give exactly one of publicKey and publicKeyFile"]);
    expect(issues(rule({ requireLineage: ["datasetHash", "gitSha"] }))[0]).toMatch(/^policies\.rules\.0\.gates\.requireLineage\.1: /);
  });
});
