/**
 * Where BentoML keeps things (bentoml/_internal/store.py, models/model.py, configuration/containers.py):
 *
 *   $BENTOML_HOME/models/<name>/latest              one line: the newest version (BentoML rewrites it on save/delete)
 *   $BENTOML_HOME/models/<name>/<version>/model.yaml the version's record; the model's files beside it
 *
 * BentoML treats every directory under models/ as a model and every directory under a model as a
 * version, and ignores files. So what this adapter adds lives in files BentoML skips:
 *
 *   $BENTOML_HOME/models/<name>/.modelgate.yaml     the gateway's spelling of the name, the model's
 *                                                   description, the last version number it gave
 *   $BENTOML_HOME/.modelgate/tmp/                   versions and files being written (renamed into place)
 *   $BENTOML_HOME/.modelgate/locks/<name>.lock      one writer per model across gateway processes
 */
import { join } from "node:path";

/** BentoML's tag rule for a name or a version (bentoml/_internal/tag.py), applied after lower-casing. */
export const TAG_RE = /^[a-z0-9](?:[-._a-z0-9]*[a-z0-9])?$/;
export const TAG_MAX_LENGTH = 63;

export function isTagPart(value: string): boolean {
  return value.length <= TAG_MAX_LENGTH && TAG_RE.test(value);
}

export const MODEL_YAML = "model.yaml";
export const LATEST_FILE = "latest";
export const SIDECAR_FILE = ".modelgate.yaml";

export class StoreLayout {
  readonly modelsDir: string;
  readonly workDir: string;
  readonly tmpDir: string;
  readonly locksDir: string;

  constructor(readonly home: string) {
    this.modelsDir = join(home, "models");
    this.workDir = join(home, ".modelgate");
    this.tmpDir = join(this.workDir, "tmp");
    this.locksDir = join(this.workDir, "locks");
  }

  modelDir(dirName: string): string {
    return join(this.modelsDir, dirName);
  }
  versionDir(dirName: string, version: string): string {
    return join(this.modelsDir, dirName, version);
  }
  modelYaml(dirName: string, version: string): string {
    return join(this.modelsDir, dirName, version, MODEL_YAML);
  }
  latestFile(dirName: string): string {
    return join(this.modelsDir, dirName, LATEST_FILE);
  }
  sidecarFile(dirName: string): string {
    return join(this.modelsDir, dirName, SIDECAR_FILE);
  }
  lockFile(dirName: string): string {
    return join(this.locksDir, `${dirName}.lock`);
  }
  /** A store-relative path for messages and problems ("models/demo/abc/model.yaml"). */
  relative(path: string): string {
    return path.startsWith(this.home + "/") ? path.slice(this.home.length + 1) : path;
  }
}
