import { describe, expect, it } from "vitest";
import { fromProtoValue, toProtoValue, type Json } from "./protobuf-value.js";
import { decodeVersionRecord, encodeVersionRecord } from "./version-metadata.js";

describe("google.protobuf.Value", () => {
  it("round-trips JSON", () => {
    const json: Json = { s: "x", n: -1.5, b: false, z: null, list: [1, "two", { three: [true] }], empty: {} };
    expect(fromProtoValue(toProtoValue(json))).toEqual(json);
  });

  it("reads the client's decoded form (with `kind`) and an unset Value as null", () => {
    expect(fromProtoValue({ kind: "numberValue", numberValue: 2 })).toBe(2);
    expect(fromProtoValue({ kind: "structValue", structValue: { fields: { a: { kind: "stringValue", stringValue: "b" } } } })).toEqual({ a: "b" });
    expect(fromProtoValue(null)).toBeNull();
    expect(fromProtoValue({})).toBeNull();
  });

  it("refuses numbers JSON cannot hold", () => {
    expect(() => toProtoValue(Number.NaN)).toThrow(/only finite numbers/);
  });
});

describe("the version record in Model.metadata", () => {
  it("round-trips, leaving out what is empty", () => {
    const record = {
      generationConfig: { model: "m-2026-01-01", params: { t: 0.1 }, promptRef: "p@1" },
      params: {},
      metrics: { f1: 0.7 },
      lineage: { runId: "r1" },
      createdBy: "alice",
    };
    const encoded = encodeVersionRecord(record);
    expect(Object.keys((fromProtoValue(encoded) as { modelgate: object }).modelgate).sort()).toEqual(["createdBy", "generationConfig", "lineage", "metrics", "v"]);
    expect(decodeVersionRecord(encoded)).toEqual({ ok: true, record: { generationConfig: record.generationConfig, metrics: record.metrics, lineage: record.lineage, createdBy: "alice" } });
  });

  it("is empty for metadata that is not ours, and a problem naming the field for ours that does not parse", () => {
    expect(decodeVersionRecord(null)).toEqual({ ok: true, record: {} });
    expect(decodeVersionRecord(toProtoValue({ framework: "sklearn" }))).toEqual({ ok: true, record: {} });
    expect(decodeVersionRecord(toProtoValue({ modelgate: { v: 1, generationConfig: { params: {} } } }))).toEqual({
      ok: false,
      problem: expect.stringMatching(/^modelgate\.generationConfig\.model: /),
    });
    expect(decodeVersionRecord(toProtoValue({ modelgate: { v: 2 } }))).toMatchObject({ ok: false, problem: expect.stringMatching(/^modelgate\.v: /) });
  });
});
