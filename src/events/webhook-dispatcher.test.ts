import { describe, expect, it } from "vitest";
import { backoffMs, deliveryBody, targetFilter } from "./webhook-dispatcher.js";

describe("webhook dispatcher helpers", () => {
  it("backs off exponentially from the base, with ±20 % jitter, capped at the maximum", () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1_000, 600_000, () => 0.5))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffMs(3, 1_000, 600_000, low)).toBe(3_200);
    expect(backoffMs(3, 1_000, 600_000, high)).toBe(4_800);
    // Ten attempts with the defaults never wait more than ten minutes.
    expect(backoffMs(10, 1_000, 600_000, high)).toBe(600_000);
    expect(backoffMs(40, 1_000, 600_000, low)).toBe(480_000);
  });

  it("sends the stored event JSON unchanged inside the body", () => {
    const body = deliveryBody({ id: "d-1", targetId: "ci", eventJson: '{"seq":3,"type":"ALIAS_CHANGED"}' });
    expect(body).toBe('{"deliveryId":"d-1","targetId":"ci","event":{"seq":3,"type":"ALIAS_CHANGED"}}');
    expect(JSON.parse(body)).toEqual({ deliveryId: "d-1", targetId: "ci", event: { seq: 3, type: "ALIAS_CHANGED" } });
  });

  it("turns a target's event list and filter into a registry event filter (empty list: every type)", () => {
    expect(targetFilter({ events: [], filter: {} })).toEqual({});
    expect(targetFilter({ events: ["DRIFT"], filter: { modelName: "m", environment: "production" } })).toEqual({
      types: ["DRIFT"],
      modelName: "m",
      environment: "production",
    });
  });
});
