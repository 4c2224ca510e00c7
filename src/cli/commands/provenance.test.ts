/** How the provenance commands read version names, and what they refuse before calling the gateway. */
import { describe, expect, it } from "vitest";
import { captureIo } from "../capture-io.js";
import { runCli } from "../program.js";
import { parseVersionArg } from "./provenance.js";

describe("[backend/]NAME@VERSION", () => {
  it("takes the backend from the name or from --backend", () => {
    expect(parseVersionArg("mlflow/churn@3", undefined, true)).toEqual({ backend: "mlflow", model: "churn", version: "3" });
    expect(parseVersionArg("churn@champion", "git", true)).toEqual({ backend: "git", model: "churn", version: "champion" });
    expect(parseVersionArg("git/churn", undefined, false)).toEqual({ backend: "git", model: "churn" });
    expect(() => parseVersionArg("churn", "git", true)).toThrow('"churn": name a version as NAME@VERSION');
    expect(() => parseVersionArg("churn@3", undefined, true)).toThrow("say which backend holds it");
  });

  it("exits 2 on usage errors without calling the gateway", async () => {
    const run = async (...argv: string[]) => {
      const io = captureIo({ MODELGATE_URL: "http://127.0.0.1:9" });
      return { code: await runCli(argv, io), err: io.err() };
    };
    expect(await run("diff", "git/a@1", "git/b@2")).toMatchObject({ code: 2, err: expect.stringContaining("two versions of one model") });
    expect(await run("impact")).toMatchObject({ code: 2, err: expect.stringContaining("exactly one of --dataset and --version") });
    expect(await run("lineage", "git/a@1", "--direction", "sideways")).toMatchObject({ code: 2 });
    expect(await run("card", "git/a@1", "--format", "pdf")).toMatchObject({ code: 2 });
    expect(await run("card", "git/a", "--set", "caveats")).toMatchObject({ code: 2, err: expect.stringContaining("SECTION=TEXT") });
  });
});
