/**
 * listVersionsInStage on SageMaker: ListModelPackages by approval status names the candidates,
 * Search gives their records and their groups' tags, in pages. Counted with a client middleware on
 * the real SDK client (requests still go to moto). Each region is a registry of its own in moto:
 * these regions are used by no other test file, so the counts are exact.
 */
import { UpdateModelPackageCommand } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelVersion } from "../../src/core/index.js";
import { countCalls, ctx, motoAdapter, packageArn, rawClient, uniquePrefix } from "../../test/sagemaker/helpers.js";
import type { SageMakerAdapter } from "./adapter.js";

const MANY = "af-south-1";
const FEW = "me-south-1";
const prefix = uniquePrefix("sl");
let many: SageMakerAdapter;
let few: SageMakerAdapter;

/** Registers `count` models, numbered from `from`, each with version 1 in PRODUCTION and version 2 in STAGING. */
async function seed(adapter: SageMakerAdapter, from: number, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const name = `${prefix}-m${String(from + i).padStart(3, "0")}`;
      await adapter.registerVersion({ modelName: name, artifactUri: `s3://bucket/${name}/1`, tags: { n: String(from + i) } }, ctx());
      await adapter.registerVersion({ modelName: name }, ctx());
      await adapter.setStage(name, "1", "PRODUCTION", ctx());
      await adapter.setStage(name, "2", "STAGING", ctx());
    }),
  );
}

/** What a walk of the models answers for `stage`. */
async function walk(adapter: SageMakerAdapter, stage: ModelVersion["stage"]): Promise<ModelVersion[]> {
  const out: ModelVersion[] = [];
  let after: string | undefined;
  do {
    const page = await adapter.listModels({ first: 100, ...(after ? { after } : {}) }, ctx());
    for (const m of page.items) out.push(...(await adapter.listVersions(m.name, { first: 100, filter: { stage } }, ctx())).items);
    after = page.nextCursor;
  } while (after !== undefined);
  return sorted(out);
}

function sorted(versions: ModelVersion[]): ModelVersion[] {
  return [...versions].sort((a, b) => (a.modelName === b.modelName ? Number(a.version) - Number(b.version) : a.modelName < b.modelName ? -1 : 1));
}

beforeAll(async () => {
  many = await motoAdapter(MANY);
  few = await motoAdapter(FEW);
});
afterAll(async () => {
  await many?.close();
  await few?.close();
});

describe("listVersionsInStage on SageMaker", () => {
  it("costs the same few paged requests for 6 models as for 30: ListModelPackages, Search of packages, Search of groups", async () => {
    await seed(many, 0, 6);
    const counter = countCalls(many);
    const six = sorted(await many.listVersionsInStage("PRODUCTION", ctx()));
    const forSix = [...counter.calls];
    expect(six.map((v) => `${v.modelName}@${v.version}`)).toEqual(Array.from({ length: 6 }, (_, i) => `${prefix}-m00${i}@1`));
    expect(six[0]).toMatchObject({ stage: "PRODUCTION", nativeStage: "Approved", artifactUri: `s3://bucket/${prefix}-m000/1`, tags: { n: "0" } });

    await seed(many, 6, 24);
    counter.reset();
    const thirty = sorted(await many.listVersionsInStage("PRODUCTION", ctx()));
    expect(thirty).toHaveLength(30);
    expect(counter.calls.sort()).toEqual(forSix.sort());
    expect(counter.calls.sort()).toEqual(["ListModelPackages", "Search", "Search"]);
    expect(thirty).toEqual(await walk(many, "PRODUCTION"));
    expect(sorted(await many.listVersionsInStage("STAGING", ctx()))).toEqual(await walk(many, "STAGING"));
  }, 120_000);

  it("lists a version approved in SageMaker itself (outside the gateway) as PRODUCTION", async () => {
    const name = `${prefix}-native`;
    await many.registerVersion({ modelName: name }, ctx());
    const raw = rawClient(MANY);
    try {
      // As SageMaker Studio's "Update status" does (moto needs the whole set of fields sent).
      await raw.send(new UpdateModelPackageCommand({ ModelPackageArn: packageArn(MANY, name, 1), ModelApprovalStatus: "Approved", ApprovalDescription: "approved in Studio" }));
    } finally {
      raw.destroy();
    }
    const production = await many.listVersionsInStage("PRODUCTION", ctx());
    const native = production.find((v) => v.modelName === name);
    expect(native).toEqual(await many.getVersion(name, "1", ctx()));
    expect(native?.stage).toBe("PRODUCTION");
    expect((await many.listVersionsInStage("NONE", ctx())).some((v) => v.modelName === name)).toBe(false);
  });

  it("describes on its own a candidate the search index does not show yet", async () => {
    const counter = countCalls(many);
    const complete = sorted(await many.listVersionsInStage("PRODUCTION", ctx()));
    const hidden = complete[3] as ModelVersion;
    // Search lags behind writes on AWS; moto's never does, so its answer loses one record here.
    many.api.client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === "SearchCommand") {
          const output = result.output as { Results?: { ModelPackage?: { ModelPackageGroupName?: string } }[] };
          output.Results = (output.Results ?? []).filter((r) => r.ModelPackage?.ModelPackageGroupName !== hidden.modelName);
        }
        return result;
      },
      { step: "initialize", name: "hideOneSearchRecord" },
    );
    try {
      counter.reset();
      expect(sorted(await many.listVersionsInStage("PRODUCTION", ctx()))).toEqual(complete);
      expect(counter.count("DescribeModelPackage")).toBe(1);
      expect(counter.count("DescribeModelPackageGroup")).toBe(1);
    } finally {
      many.api.client.middlewareStack.remove("hideOneSearchRecord");
    }
  });

  it("still lists a stage, candidate by candidate, for an identity not allowed to Search", async () => {
    const warnings: string[] = [];
    const denied = await motoAdapter(MANY, {}, { id: "sm-no-search", logger: { debug() {}, info() {}, error() {}, warn: (_o: object, m?: string) => void warnings.push(m ?? "") } });
    try {
      // moto lets anyone Search; AWS answers AccessDeniedException when the IAM policy lacks sagemaker:Search.
      denied.api.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "SearchCommand") {
            throw Object.assign(new Error("User is not authorized to perform: sagemaker:Search"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } });
          }
          return next(args);
        },
        { step: "initialize", name: "denySearch" },
      );
      const counter = countCalls(denied);
      const production = sorted(await denied.listVersionsInStage("PRODUCTION", ctx()));
      const asMany = production.map((v) => ({ ...v, backendId: many.info.id }));
      expect(asMany).toEqual(sorted(await many.listVersionsInStage("PRODUCTION", ctx())));
      expect(counter.count("DescribeModelPackage")).toBe(production.length);
      expect(counter.count("ListTags")).toBe(production.length);
      expect(warnings.some((w) => w.includes("grant sagemaker:Search"))).toBe(true);
    } finally {
      await denied.close();
    }
  });

  it("reads the tags of a few candidate groups group by group instead of searching every group", async () => {
    await seed(few, 0, 2);
    await few.setAlias(`${prefix}-m001`, "champion", "1", ctx());
    const counter = countCalls(few);
    const production = sorted(await few.listVersionsInStage("PRODUCTION", ctx()));
    expect(production.map((v) => [v.modelName, v.aliases])).toEqual([
      [`${prefix}-m000`, []],
      [`${prefix}-m001`, ["champion"]],
    ]);
    expect(counter.count("Search")).toBe(1);
    expect(counter.count("ListTags")).toBe(2);
    expect(production).toEqual(await walk(few, "PRODUCTION"));
  });

  it("answers an empty stage with the two listings only", async () => {
    const counter = countCalls(few);
    expect(await few.listVersionsInStage("ARCHIVED", ctx())).toEqual([]);
    expect(counter.calls.sort()).toEqual(["ListModelPackages", "Search"]);
  });
});
