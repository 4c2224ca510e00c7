import { describe, expect, it } from "vitest";
import { hasTags, likeBody, modelFilterString, nameContains, quoteExact, versionFilterString } from "./filter-string.js";

describe("MLflow filter strings", () => {
  it("quotes a value in whichever quote style holds it exactly (MLflow has no escape character)", () => {
    expect(quoteExact("plain")).toBe("'plain'");
    expect(quoteExact("it's")).toBe(`"it's"`);
    expect(quoteExact(`say "hi"`)).toBe(`'say "hi"'`);
    expect(quoteExact(`it's "both"`)).toBeUndefined();
    expect(quoteExact("ends\\")).toBeUndefined();
  });

  it("turns LIKE wildcards, quotes, backslashes, brackets and non-ASCII into single-character wildcards", () => {
    expect(likeBody("a-b.c")).toEqual({ body: "a-b.c", exact: true });
    expect(likeBody("50%_off")).toEqual({ body: "50__off", exact: false });
    expect(likeBody(`it's "x" \\ [y]`)).toEqual({ body: "it_s _x_ _ _y_", exact: false });
    expect(likeBody("café")).toEqual({ body: "caf_", exact: false });
    // One wildcard per code point, as SQL counts characters.
    expect(likeBody("a😀b").body).toBe("a_b");
  });

  it("builds model filters: ILIKE for the name, exact tag equality, AND-joined", () => {
    expect(modelFilterString("Fraud", { team: "risk", "risk.tier": "it's" })).toEqual({
      filter: `name ILIKE '%Fraud%' AND tags.\`risk.tier\` = "it's" AND tags.\`team\` = 'risk'`,
      exact: true,
      impossible: false,
    });
    expect(modelFilterString("a_b", undefined)).toEqual({ filter: "name ILIKE '%a_b%'", exact: false, impossible: false });
    expect(modelFilterString(undefined, { k: `'"` })).toEqual({ filter: "tags.`k` LIKE '__'", exact: false, impossible: false });
    expect(modelFilterString(undefined, { "bad`key": "v" }).impossible).toBe(true);
    expect(modelFilterString(undefined, { "bad'key": "v" }).impossible).toBe(true);
    expect(modelFilterString(undefined, undefined)).toEqual({ filter: "", exact: true, impossible: false });
  });

  it("builds version filters on one model with a keyset position", () => {
    expect(versionFilterString("m", { afterVersion: 7, tags: { a: "b" } }).filter).toBe("name = 'm' AND version_number > 7 AND tags.`a` = 'b'");
    expect(versionFilterString("it's", {}).filter).toBe(`name = "it's"`);
    expect(versionFilterString(`it's "x"`, { onlyVersion: 3 })).toEqual({
      filter: "name LIKE 'it_s _x_' AND version_number = 3",
      exact: false,
      impossible: false,
    });
  });

  it("filters exactly after fetching", () => {
    expect(nameContains("Fraud-Detector", "d-DET")).toBe(true);
    expect(nameContains("a_b", "a%b")).toBe(false);
    expect(nameContains("x", undefined)).toBe(true);
    expect(hasTags({ a: "1", b: "2" }, { a: "1" })).toBe(true);
    expect(hasTags({ a: "1" }, { a: "2" })).toBe(false);
  });
});
