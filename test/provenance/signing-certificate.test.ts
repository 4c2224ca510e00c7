/**
 * Certificate identities, offline: a model signed by the real `model_signing sign certificate` with
 * a code-signing certificate from a test CA (./make-certificates.py), verified through the API
 * against `signing.identities` and the CA as `signing.trustedRoot`; another identity is not trusted.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signingSchema } from "../../src/config/schema.js";
import { VersionSignatures } from "../../src/workflow/provenance/signing/version-signatures.js";
import { venvBin } from "../peers/venv.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";

const run = promisify(execFile);
let dir: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelgate-cert-"));
  await mkdir(join(dir, "model"));
  await writeFile(join(dir, "model", "weights.bin"), Buffer.alloc(1024, 3));
  await run(venvBin("python"), [join(import.meta.dirname, "make-certificates.py"), dir, "release@example.com"], { timeout: 60_000 });
  const { stdout } = await run(
    venvBin("model_signing"),
    ["sign", "certificate", "--private_key", join(dir, "key.pem"), "--signing_certificate", join(dir, "cert.pem"), "--certificate_chain", join(dir, "ca.pem"), "--signature", join(dir, "model", "model.sig"), join(dir, "model")],
    { timeout: 120_000 },
  );
  expect(stdout).toContain("Signing succeeded");
  gw = await startTestGateway({ config: { signing: { identities: [{ id: "ci", identity: "release@example.com" }], trustedRoot: join(dir, "ca.pem"), fileRoots: [dir] } } });
}, 180_000);

afterAll(async () => {
  await gw?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("certificate identities", () => {
  it("verifies a certificate-signed model against the configured identity and trusted root, and refuses another identity", async () => {
    const registered = await gw.gql<{ modelVersionRegister: { modelVersion: { version: string } } }>(
      `mutation($input: ModelVersionRegisterInput!) { modelVersionRegister(input: $input) { modelVersion { version } } }`,
      { input: { backend: "example", model: "cert-signed", artifactUri: `file://${join(dir, "model")}` } },
    );
    const version = registered.data!.modelVersionRegister.modelVersion.version;
    const res = await gw.gql<{ modelVersion: { signature: Record<string, unknown> } }>(
      `query($v: String!) { modelVersion(backend: "example", model: "cert-signed", version: $v) { signature { verified signer { kind id description } fileCount failure { code } } } }`,
      { v: version },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.modelVersion.signature).toEqual({ verified: true, signer: { kind: "CERTIFICATE", id: "ci", description: "release@example.com" }, fileCount: 1, failure: null });

    const other = new VersionSignatures(signingSchema.parse({ identities: [{ id: "ci", identity: "someone@example.com" }], trustedRoot: join(dir, "ca.pem"), fileRoots: [dir] }), { configDir: dir });
    const refused = await other.verify({ backendId: "example", modelName: "cert-signed", version, artifactUri: `file://${join(dir, "model")}`, tags: {} } as never);
    expect(refused).toMatchObject({ verified: false, failure: { code: "SIGNER_NOT_TRUSTED", message: "signer not trusted: release@example.com is not a configured signing identity (ci)" } });
  });
});
