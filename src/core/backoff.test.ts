import { describe, expect, it } from "vitest";
import { exponentialDelay, halfJitter, proportionalJitter } from "./backoff.js";

describe("backoff", () => {
  it("doubles from the initial delay with every retry, up to the cap", () => {
    expect([1, 2, 3, 4].map((n) => exponentialDelay(n, { initialDelay: 100 }))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3, 4, 5, 6].map((n) => exponentialDelay(n, { initialDelay: 5, maxDelay: 80 }))).toEqual([5, 10, 20, 40, 80, 80]);
    expect(exponentialDelay(0, { initialDelay: 50 })).toBe(50);
    expect(exponentialDelay(60, { initialDelay: 1_000, maxDelay: 600_000 })).toBe(600_000);
  });

  it("spreads a delay by half jitter or by a fraction either side", () => {
    expect(halfJitter(400, () => 0)).toBe(200);
    expect(halfJitter(400, () => 0.5)).toBe(300);
    expect(proportionalJitter(1_000, 0.2, () => 0)).toBe(800);
    expect(proportionalJitter(1_000, 0.2, () => 0.5)).toBe(1_000);
    expect(proportionalJitter(1_000, 0.2, () => 1)).toBe(1_200);
  });
});
