import { describe, expect, it } from "vitest";
import { MODEL_FILTER, VERSION_FILTER, likePattern, matches, parseFilter, pinnedName } from "./filter.js";

const row = (attributes: Record<string, string | number>, tags: Record<string, string> = {}) => ({ attributes, tags });

describe("MLflow search filters", () => {
  it("parses what MLflow's client sends, prompt exclusion included", () => {
    const clauses = parseFilter("name = 'credit' AND tag.`mlflow.prompt.is_prompt` != 'true'", MODEL_FILTER);
    expect(clauses).toEqual([
      { type: "attribute", key: "name", comparator: "=", value: "credit" },
      { type: "tag", key: "mlflow.prompt.is_prompt", comparator: "!=", value: "true" },
    ]);
    // A model without the prompt flag is "not a prompt", as in MLflow.
    expect(matches(row({ name: "credit" }), clauses)).toBe(true);
    expect(matches(row({ name: "credit" }, { "mlflow.prompt.is_prompt": "true" }), clauses)).toBe(false);
    expect(pinnedName(clauses)).toBe("credit");
  });

  it("matches version attributes, numeric comparisons, lists and quoted tag keys", () => {
    const v = row({ name: "m", run_id: "r-1", source_path: "s3://b/m/1", version_number: 3 }, { "team.name": "risk", k: "v" });
    expect(matches(v, parseFilter(`name="m" and version_number >= 2 AND tags."team.name" = 'risk'`, VERSION_FILTER))).toBe(true);
    expect(matches(v, parseFilter("run_id IN ('r-0', 'r-1')", VERSION_FILTER))).toBe(true);
    expect(matches(v, parseFilter("run_id NOT IN ('r-1')", VERSION_FILTER))).toBe(false);
    expect(matches(v, parseFilter("source_path LIKE 's3://b/%'", VERSION_FILTER))).toBe(true);
    expect(matches(v, parseFilter("tags.k ILIKE 'V'", VERSION_FILTER))).toBe(true);
    expect(matches(v, parseFilter("tags.k LIKE 'V'", VERSION_FILTER))).toBe(false);
    expect(matches(v, parseFilter("tags.absent != 'x'", VERSION_FILTER))).toBe(false);
    expect(matches(v, parseFilter("version_number < 3", VERSION_FILTER))).toBe(false);
  });

  it("reads SQL string escapes", () => {
    expect(parseFilter("name = 'it''s'", MODEL_FILTER)[0]?.value).toBe("it's");
    expect(likePattern("a_c%", false).test("abcdef")).toBe(true);
    expect(likePattern("a.c", false).test("abc")).toBe(false);
  });

  it("refuses what MLflow refuses, naming the problem", () => {
    expect(() => parseFilter("name = 'a' OR name = 'b'", MODEL_FILTER)).toThrow("Invalid clause(s) in filter string: OR");
    expect(() => parseFilter("run_id = 'x'", MODEL_FILTER)).toThrow("Invalid attribute key 'run_id'");
    expect(() => parseFilter("version_number LIKE '1%'", VERSION_FILTER)).toThrow("Invalid comparator 'LIKE' for 'version_number'");
    expect(() => parseFilter("name = 'unterminated", MODEL_FILTER)).toThrow("unterminated");
    expect(() => parseFilter("metrics.acc > 0.9", VERSION_FILTER)).toThrow("Invalid entity type 'metrics'");
    expect(() => parseFilter("source_path IN ('a')", VERSION_FILTER)).toThrow("Invalid comparator 'IN' for 'source_path'");
  });
});
