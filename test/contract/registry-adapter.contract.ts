/**
 * The adapter contract suite: what every RegistryAdapter must do, checked through the contract only
 * (src/core/adapter.ts), so every backend (git-YAML, MLflow, SageMaker, Vertex AI) runs it unchanged.
 *
 *   describeAdapterContract("mlflow", async () => ({ adapter, dispose }));
 *
 * The harness gives a fresh adapter that accepts writes. Model names carry a prefix generated per
 * run, and listings are scoped to it, so the suite also runs against a shared backend.
 *
 * The optional `listVersionsInStage` is held to what a walk of the models answers on the same data
 * (every stage, field by field). Every built-in adapter implements it, so the suite requires it; an
 * adapter without it passes `{ stageListing: false }`.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  STAGES,
  createCallContext,
  isRegistryError,
  type CallContext,
  type ModelVersion,
  type RegisteredModel,
  type RegistryAdapter,
  type Stage,
} from "../../src/core/index.js";

export interface ContractHarness {
  /** A fresh adapter, empty or holding nothing under this run's prefix. */
  adapter: RegistryAdapter;
  /** Removes what the harness created (temp dirs, test models); called once after the suite. */
  dispose(): Promise<void>;
}

/** Per-call timeout: generous, since remote backends run the same suite. */
const CALL_TIMEOUT_MS = 20_000;

function ctx(): CallContext {
  return createCallContext({
    timeoutMs: CALL_TIMEOUT_MS,
    actor: { id: "contract-tester", displayName: "Contract Tester", roles: ["admin"] },
  });
}

/** Resolves to the error code of a rejected call, or fails the test when the call resolves. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    expect(isRegistryError(err), `expected a typed RegistryError, got ${String(err)}`).toBe(true);
    return (err as { code: string }).code;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

export interface ContractOptions {
  /** The adapter implements the optional `listVersionsInStage` (default true). */
  stageListing?: boolean;
  /** The adapter implements the optional `deleteVersion` and the backend can run it (default false). */
  deleteVersion?: boolean;
  /**
   * The adapter can be a cross-registry copy target: it keeps `RegisterVersionInput.copyRequestId`
   * and reads it back as `ModelVersion.copyRequestId` (default false; every built-in adapter does).
   */
  copyMarker?: boolean;
}

/** By model, then version (numbers by value). */
function byModelAndVersion(versions: readonly ModelVersion[]): ModelVersion[] {
  return [...versions].sort((a, b) =>
    a.modelName !== b.modelName ? (a.modelName < b.modelName ? -1 : 1) : Number(a.version) - Number(b.version) || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0),
  );
}

export function describeAdapterContract(name: string, makeHarness: () => Promise<ContractHarness>, options: ContractOptions = {}): void {
  describe(`registry adapter contract: ${name}`, () => {
    let harness: ContractHarness;
    let adapter: RegistryAdapter;
    const prefix = `ct${randomBytes(3).toString("hex")}`;
    const model = (suffix: string) => `${prefix}-${suffix}`;

    /** Every model under `nameContains`, walking pages of `first`. */
    async function allModels(nameContains: string, first: number): Promise<{ names: string[]; pages: number }> {
      const names: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await adapter.listModels({ first, filter: { nameContains }, ...(after ? { after } : {}) }, ctx());
        expect(page.items.length).toBeLessThanOrEqual(first);
        names.push(...page.items.map((m: RegisteredModel) => m.name));
        after = page.nextCursor;
        pages++;
        expect(pages, "pagination did not end").toBeLessThan(100);
      } while (after !== undefined);
      return { names, pages };
    }

    async function allVersions(modelName: string, first: number): Promise<ModelVersion[]> {
      const versions: ModelVersion[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await adapter.listVersions(modelName, { first, ...(after ? { after } : {}) }, ctx());
        expect(page.items.length).toBeLessThanOrEqual(first);
        versions.push(...page.items);
        after = page.nextCursor;
        pages++;
        expect(pages, "pagination did not end").toBeLessThan(100);
      } while (after !== undefined);
      return versions;
    }

    beforeAll(async () => {
      harness = await makeHarness();
      adapter = harness.adapter;
    });

    afterAll(async () => {
      await harness?.adapter.close();
      await harness?.dispose();
    });

    it("registers a model with version 1, then version 2", async () => {
      const name = model("basic");
      const v1 = await adapter.registerVersion(
        { modelName: name, artifactUri: "s3://bucket/basic/1", description: "first", tags: { origin: "contract" } },
        ctx(),
        { reason: "contract test" },
      );
      expect(v1).toMatchObject({ backendId: adapter.info.id, modelName: name, version: "1", stage: "NONE" });
      expect(v1.tags).toMatchObject({ origin: "contract" });

      const v2 = await adapter.registerVersion({ modelName: name, artifactUri: "s3://bucket/basic/2" }, ctx());
      expect(v2.version).toBe("2");

      const found = await adapter.getModel(name, ctx());
      expect(found).toMatchObject({ backendId: adapter.info.id, name });
      const fetched = await adapter.getVersion(name, "1", ctx());
      expect(fetched).toMatchObject({ modelName: name, version: "1", description: "first" });
      expect(fetched.tags).toMatchObject({ origin: "contract" });
    });

    it("answers NOT_FOUND for an unknown model and an unknown version", async () => {
      expect(await codeOf(adapter.getModel(model("missing"), ctx()))).toBe("NOT_FOUND");
      expect(await codeOf(adapter.getVersion(model("missing"), "1", ctx()))).toBe("NOT_FOUND");
      const name = model("known");
      await adapter.registerVersion({ modelName: name }, ctx());
      expect(await codeOf(adapter.getVersion(name, "99999", ctx()))).toBe("NOT_FOUND");
    });

    it("pages through models: every model exactly once, and the last page has no cursor", async () => {
      const names = [1, 2, 3, 4, 5].map((i) => model(`page-${i}`));
      for (const name of names) await adapter.registerVersion({ modelName: name }, ctx());
      const { names: seen, pages } = await allModels(`${prefix}-page-`, 2);
      expect(seen).toHaveLength(5);
      expect(new Set(seen).size).toBe(5);
      expect([...seen].sort()).toEqual([...names].sort());
      expect(pages).toBe(3);
    });

    it("pages through versions: every version exactly once", async () => {
      const name = model("versions");
      for (let i = 0; i < 5; i++) await adapter.registerVersion({ modelName: name }, ctx());
      const versions = await allVersions(name, 2);
      expect(versions.map((v) => v.version).sort()).toEqual(["1", "2", "3", "4", "5"]);
      expect(versions.every((v) => v.modelName === name)).toBe(true);
    });

    it("filters models by a case-insensitive name substring", async () => {
      await adapter.registerVersion({ modelName: model("Filter-Alpha") }, ctx());
      await adapter.registerVersion({ modelName: model("filter-beta") }, ctx());
      const { names } = await allModels(`${prefix}-fILTER-aLP`, 10);
      expect(names).toEqual([model("Filter-Alpha")]);
      const both = await allModels(`${prefix}-filter-`, 10);
      expect([...both.names].sort()).toEqual([model("Filter-Alpha"), model("filter-beta")].sort());
    });

    it("sets, resolves, moves and removes an alias", async () => {
      const name = model("alias");
      await adapter.registerVersion({ modelName: name }, ctx());
      await adapter.registerVersion({ modelName: name }, ctx());

      const set = await adapter.setAlias(name, "champion", "1", ctx(), { reason: "first champion" });
      expect(set.version).toBe("1");
      expect(set.aliases).toContain("champion");
      expect((await adapter.getVersionByAlias(name, "champion", ctx())).version).toBe("1");
      expect((await adapter.getModel(name, ctx())).aliases["champion"]).toBe("1");

      const moved = await adapter.setAlias(name, "champion", "2", ctx());
      expect(moved.version).toBe("2");
      expect((await adapter.getVersionByAlias(name, "champion", ctx())).version).toBe("2");
      expect((await adapter.getVersion(name, "1", ctx())).aliases).not.toContain("champion");
      expect((await adapter.getVersion(name, "2", ctx())).aliases).toContain("champion");

      await adapter.removeAlias(name, "champion", ctx());
      expect(await codeOf(adapter.getVersionByAlias(name, "champion", ctx()))).toBe("NOT_FOUND");
      expect((await adapter.getVersion(name, "2", ctx())).aliases).not.toContain("champion");
      expect((await adapter.getModel(name, ctx())).aliases["champion"]).toBeUndefined();

      expect(await codeOf(adapter.removeAlias(name, "champion", ctx()))).toBe("NOT_FOUND");
      expect(await codeOf(adapter.getVersionByAlias(name, "never-set", ctx()))).toBe("NOT_FOUND");
    });

    it("round-trips every stage through setStage", async () => {
      const name = model("stage");
      await adapter.registerVersion({ modelName: name }, ctx());
      const stages: Stage[] = ["STAGING", "SHADOW", "PRODUCTION", "ARCHIVED", "NONE"];
      for (const stage of stages) {
        const written = await adapter.setStage(name, "1", stage, ctx(), { reason: `to ${stage}` });
        expect(written.stage).toBe(stage);
        expect((await adapter.getVersion(name, "1", ctx())).stage).toBe(stage);
      }
      await adapter.setStage(name, "1", "STAGING", ctx());
      const staging = await adapter.listVersions(name, { first: 10, filter: { stage: "STAGING" } }, ctx());
      expect(staging.items.map((v) => v.version)).toEqual(["1"]);
      const production = await adapter.listVersions(name, { first: 10, filter: { stage: "PRODUCTION" } }, ctx());
      expect(production.items).toEqual([]);
    });

    it("refuses to register on a missing model when createModel is false", async () => {
      const name = model("no-create");
      expect(await codeOf(adapter.registerVersion({ modelName: name, createModel: false }, ctx()))).toBe("NOT_FOUND");
      expect(await codeOf(adapter.getModel(name, ctx()))).toBe("NOT_FOUND");
    });

    it("loses no write when five versions are registered at once", async () => {
      const name = model("concurrent");
      await adapter.registerVersion({ modelName: name }, ctx());
      const created = await Promise.all(
        [1, 2, 3, 4, 5].map((i) => adapter.registerVersion({ modelName: name, description: `parallel ${i}` }, ctx())),
      );
      const numbers = created.map((v) => v.version);
      expect(new Set(numbers).size).toBe(5);
      expect(numbers).not.toContain("1");
      for (const v of created) expect((await adapter.getVersion(name, v.version, ctx())).description).toBe(v.description);
      const listed = await allVersions(name, 100);
      expect(listed).toHaveLength(6);
    });

    it("leaves exactly one holder when an alias is set concurrently", async () => {
      const name = model("alias-race");
      for (let i = 0; i < 3; i++) await adapter.registerVersion({ modelName: name }, ctx());
      const results = await Promise.allSettled(["1", "2", "3"].map((v) => adapter.setAlias(name, "race", v, ctx())));
      for (const r of results) {
        if (r.status === "rejected") expect(isRegistryError(r.reason) && r.reason.code === "CONFLICT").toBe(true);
      }
      expect(results.some((r) => r.status === "fulfilled")).toBe(true);
      const holders = (await allVersions(name, 100)).filter((v) => v.aliases.includes("race"));
      expect(holders).toHaveLength(1);
      expect((await adapter.getVersionByAlias(name, "race", ctx())).version).toBe(holders[0]!.version);
      expect((await adapter.getModel(name, ctx())).aliases["race"]).toBe(holders[0]!.version);
    });

    /** What a walk of the models answers: every model under `nameContains`, then its versions in `stage`. */
    async function walkStage(nameContains: string, stage: Stage): Promise<ModelVersion[]> {
      const { names } = await allModels(nameContains, 100);
      const out: ModelVersion[] = [];
      for (const modelName of names) {
        let after: string | undefined;
        do {
          const page = await adapter.listVersions(modelName, { first: 100, filter: { stage }, ...(after ? { after } : {}) }, ctx());
          out.push(...page.items);
          after = page.nextCursor;
        } while (after !== undefined);
      }
      return out;
    }

    if (options.deleteVersion === true) {
      it("removes one version with deleteVersion; the others stay, and removing it again is NOT_FOUND", async () => {
        const name = model("delete");
        await adapter.registerVersion({ modelName: name, artifactUri: "s3://bucket/delete/1" }, ctx());
        await adapter.registerVersion({ modelName: name, artifactUri: "s3://bucket/delete/2" }, ctx());
        expect(adapter.deleteVersion).toBeTypeOf("function");
        await adapter.deleteVersion!(name, "1", ctx(), { reason: "contract test" });
        expect(await codeOf(adapter.getVersion(name, "1", ctx()))).toBe("NOT_FOUND");
        expect((await adapter.getVersion(name, "2", ctx())).version).toBe("2");
        expect(await codeOf(adapter.deleteVersion!(name, "1", ctx()))).toBe("NOT_FOUND");
      });
    }

    if (options.copyMarker === true) {
      it("keeps a copy's marker (copyRequestId) with the version it registered, never as a tag, across a stage write", async () => {
        const name = model("copy");
        const id = randomUUID();
        const marked = await adapter.registerVersion({ modelName: name, artifactUri: "s3://bucket/copy/1", tags: { origin: "contract" }, copyRequestId: id }, ctx());
        expect(marked.copyRequestId).toBe(id);
        expect(marked.tags).toEqual({ origin: "contract" });
        const plain = await adapter.registerVersion({ modelName: name, artifactUri: "s3://bucket/copy/2" }, ctx());
        expect(plain.copyRequestId).toBeUndefined();
        await adapter.setStage(name, marked.version, "STAGING", ctx(), { reason: "contract test" });
        const read = await adapter.getVersion(name, marked.version, ctx());
        expect(read).toMatchObject({ copyRequestId: id, stage: "STAGING", tags: { origin: "contract" } });
        expect(Object.keys(read.tags)).toEqual(["origin"]);
        const listed = byModelAndVersion(await allVersions(name, 100));
        expect(listed.map((v) => [v.version, v.copyRequestId ?? null])).toEqual([
          [marked.version, id],
          [plain.version, null],
        ]);
      });
    }

    if (options.stageListing !== false) {
      it("lists a stage across models exactly as a walk of the models does (listVersionsInStage)", async () => {
        const listStage = adapter.listVersionsInStage?.bind(adapter);
        expect(listStage, "the adapter implements listVersionsInStage").toBeDefined();
        if (listStage === undefined) return;
        const a = model("sl-a");
        const b = model("sl-b");
        const c = model("sl-c");
        const d = model("sl-d");
        for (let i = 0; i < 3; i++) await adapter.registerVersion({ modelName: a, artifactUri: `s3://bucket/sl-a/${i + 1}`, tags: { team: "search" } }, ctx());
        for (let i = 0; i < 3; i++) await adapter.registerVersion({ modelName: b, description: `b ${i + 1}` }, ctx());
        for (let i = 0; i < 2; i++) await adapter.registerVersion({ modelName: c }, ctx());
        await adapter.registerVersion({ modelName: d }, ctx());
        await adapter.setStage(a, "1", "PRODUCTION", ctx());
        await adapter.setStage(a, "2", "STAGING", ctx());
        await adapter.setAlias(a, "champion", "1", ctx());
        await adapter.setStage(b, "1", "ARCHIVED", ctx());
        await adapter.setStage(b, "2", "PRODUCTION", ctx());
        await adapter.setStage(b, "3", "SHADOW", ctx());
        // A second version promoted after the first: backends that keep one holder per stage move it.
        await adapter.setStage(c, "1", "PRODUCTION", ctx());
        await adapter.setStage(c, "2", "PRODUCTION", ctx());

        const ours = (versions: ModelVersion[]) => byModelAndVersion(versions.filter((v) => v.modelName.toLowerCase().startsWith(`${prefix}-sl-`)));
        for (const stage of STAGES) {
          const listed = ours(await listStage(stage, ctx()));
          expect(listed.every((v) => v.stage === stage && v.backendId === adapter.info.id)).toBe(true);
          expect(listed, `versions in ${stage}`).toEqual(ours(await walkStage(`${prefix}-sl-`, stage)));
        }
        const production = ours(await listStage("PRODUCTION", ctx()));
        expect(production.map((v) => `${v.modelName}@${v.version}`)).toEqual(expect.arrayContaining([`${a}@1`, `${b}@2`, `${c}@2`]));
        expect(production.find((v) => v.modelName === a)).toMatchObject({ artifactUri: "s3://bucket/sl-a/1", aliases: expect.arrayContaining(["champion"]), tags: { team: "search" } });
        expect(ours(await listStage("SHADOW", ctx())).map((v) => `${v.modelName}@${v.version}`)).toEqual([`${b}@3`]);
        // Thirteen writes, then every stage listed both ways: slow on a loaded remote backend.
      }, 180_000);
    }

    it("reports health UP", async () => {
      const health = await adapter.health(ctx());
      expect(health.state).toBe("UP");
      expect(health.latencyMs).toBeGreaterThanOrEqual(0);
      expect(health.checkedAt).toBeInstanceOf(Date);
    });

    it("fails a call whose signal is aborted instead of hanging", async () => {
      const controller = new AbortController();
      controller.abort();
      const aborted = createCallContext({ timeoutMs: CALL_TIMEOUT_MS, actor: { id: "contract-tester", roles: [] }, signal: controller.signal });
      expect(await codeOf(adapter.listModels({ first: 10 }, aborted))).toBe("DEADLINE_EXCEEDED");
      expect(await codeOf(adapter.getModel(model("basic"), aborted))).toBe("DEADLINE_EXCEEDED");
      expect(await codeOf(adapter.registerVersion({ modelName: model("aborted") }, aborted))).toBe("DEADLINE_EXCEEDED");
      expect(await codeOf(adapter.getModel(model("aborted"), ctx()))).toBe("NOT_FOUND");

      const midway = new AbortController();
      const call = adapter.listModels({ first: 10 }, createCallContext({ timeoutMs: CALL_TIMEOUT_MS, actor: { id: "contract-tester", roles: [] }, signal: midway.signal }));
      midway.abort();
      await call.then(
        () => undefined,
        (err: unknown) => expect(isRegistryError(err) && err.code === "DEADLINE_EXCEEDED").toBe(true),
      );
    });

    it("fails a call whose deadline has already passed", async () => {
      const expired: CallContext = { ...ctx(), deadline: Date.now() - 1 };
      expect(await codeOf(adapter.listModels({ first: 10 }, expired))).toBe("DEADLINE_EXCEEDED");
      expect(await codeOf(adapter.setAlias(model("basic"), "late", "1", expired))).toBe("DEADLINE_EXCEEDED");
      expect(await codeOf(adapter.getVersionByAlias(model("basic"), "late", ctx()))).toBe("NOT_FOUND");
    });
  });
}
