/** Checking a RegisterVersionInput against what BentoML's store can hold. */
import { InvalidInputError, UnsupportedError, type RegisterVersionInput } from "modelgate/core";
import { DERIVED_TAG_PREFIX, OWN_LABEL_PREFIX } from "./labels.js";
import { isTagPart, TAG_MAX_LENGTH } from "./layout.js";

/** An artifactUri with a scheme other than file: (s3://, gs://, hf://, runs:/ …) is recorded, not imported. */
const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export type ArtifactSource = { kind: "none" } | { kind: "remote"; uri: string } | { kind: "local"; path: string };

export function classifyArtifactUri(uri: string | undefined, backend: string): ArtifactSource {
  if (uri === undefined) return { kind: "none" };
  if (uri.startsWith("file:")) {
    try {
      const url = new URL(uri);
      if (url.host !== "" && url.host !== "localhost") throw new Error("remote host");
      return { kind: "local", path: decodeURIComponent(url.pathname) };
    } catch {
      throw new InvalidInputError(`artifactUri: "${uri}" is not a file: URL of a local directory (file:///path/to/model)`, { backend, field: "artifactUri" });
    }
  }
  if (uri.startsWith("/")) return { kind: "local", path: uri };
  if (SCHEME_RE.test(uri)) return { kind: "remote", uri };
  throw new InvalidInputError(
    `artifactUri: "${uri}" is neither a URI (s3://, gs:// …) nor an absolute path: a local directory to import is /path/to/model or file:///path/to/model`,
    { backend, field: "artifactUri" },
  );
}

/** The model's directory name: BentoML lower-cases names and allows `[a-z0-9._-]`. */
export function modelDirName(name: string): string {
  return name.toLowerCase();
}

export function validateRegisterInput(input: RegisterVersionInput, backend: string): void {
  const fail = (field: string, message: string): never => {
    throw new InvalidInputError(`${field}: ${message}`, { backend, field });
  };
  const name = input.modelName;
  if (typeof name !== "string" || name === "") fail("modelName", "must not be empty");
  if (!isTagPart(modelDirName(name))) {
    fail(
      "modelName",
      `"${name}" is not a valid BentoML model name: letters, digits, "-", "_" and ".", starting and ending with a letter or digit, ` +
        `at most ${TAG_MAX_LENGTH} characters (BentoML stores it lower-cased)`,
    );
  }
  if (input.artifactUri !== undefined && (typeof input.artifactUri !== "string" || input.artifactUri.trim() === "")) {
    fail("artifactUri", "must be a non-empty URI or an absolute path, or left out");
  }
  classifyArtifactUri(input.artifactUri, backend);
  for (const [key, value] of Object.entries(input.tags ?? {})) {
    const field = `tags.${key}`;
    if (key === "") fail("tags", "tag keys must not be empty");
    if (key.startsWith(OWN_LABEL_PREFIX)) fail(field, `labels under "${OWN_LABEL_PREFIX}" belong to the gateway (stage, aliases, description …)`);
    if (key.startsWith(DERIVED_TAG_PREFIX)) fail(field, `tags under "${DERIVED_TAG_PREFIX}" are read from model.yaml (tag, module, framework, size), not labels`);
    if (typeof value !== "string") fail(field, "BentoML label values are strings");
  }
  for (const [key, value] of Object.entries(input.metrics ?? {})) {
    if (typeof value !== "number" || !Number.isFinite(value)) fail(`metrics.${key}`, "metrics are finite numbers");
  }
  for (const [key, value] of Object.entries(input.params ?? {})) {
    try {
      JSON.stringify(value);
    } catch {
      fail(`params.${key}`, "must be a JSON value");
    }
  }
  for (const [key, value] of Object.entries(input.lineage ?? {})) {
    if (value !== undefined && typeof value !== "string") fail(`lineage.${key}`, "must be a string");
  }
  if (input.generationConfig !== undefined) {
    throw new UnsupportedError("generationConfig: BentoML's model store holds model files, not generation configs; register this version on a git-YAML or MLflow backend", {
      backend,
      field: "generationConfig",
    });
  }
}
