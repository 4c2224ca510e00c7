import { describe, expect, it } from "vitest";
import type { CallContext } from "../../../core/index.js";
import { createLogger } from "../../../logging.js";
import type { DriftChecker } from "../../../workflow/drift.js";
import { DriftTrigger } from "./drift-trigger.js";

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("DriftTrigger", () => {
  it("checks a model again after a running check when a delivery arrives meanwhile, afresh (not under the first delivery's request id)", async () => {
    const seen: (string | undefined)[] = [];
    let release!: () => void;
    const firstBlocks = new Promise<void>((r) => (release = r));
    const checker = {
      checkModel: async (_backend: string, _model: string, ctx: CallContext) => {
        seen.push(ctx.requestId);
        if (seen.length === 1) await firstBlocks;
        return { detected: [] };
      },
    } as unknown as DriftChecker;
    const trigger = new DriftTrigger(checker, createLogger("silent"));
    trigger.check("mlflow", "m", "delivery-1");
    await until(() => seen.length === 1);
    // Two more deliveries while the first check runs: one more check, with no request-scoped cache.
    trigger.check("mlflow", "m", "delivery-2");
    trigger.check("mlflow", "m", "delivery-3");
    release();
    await until(() => seen.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(["delivery-1", undefined]);
    await trigger.close();
  });
});
