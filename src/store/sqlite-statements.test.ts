import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { keepingStatements } from "./sqlite-statements.js";

describe("keepingStatements", () => {
  it("prepares a SQL text once and reuses its statement; a busy one is not handed out again", () => {
    const sqlite = new Database(":memory:");
    const db = keepingStatements(sqlite, 2);
    sqlite.exec("create table t (n integer); insert into t values (1), (2)");
    const a = db.prepare("select n from t order by n");
    expect(db.prepare("select n from t order by n")).toBe(a);
    expect(a.all([])).toEqual([{ n: 1 }, { n: 2 }]);
    // Iterating: busy until the iterator ends.
    const rows = a.iterate([]);
    rows.next();
    const b = db.prepare("select n from t order by n");
    expect(b).not.toBe(a);
    expect(b.all([])).toEqual([{ n: 1 }, { n: 2 }]);
    rows.return?.();
    // Past the capacity the least recently used text is prepared again.
    db.prepare("select 1");
    db.prepare("select 2");
    expect(db.prepare("select n from t order by n")).not.toBe(b);
    db.close();
    expect(sqlite.open).toBe(false);
  });

  it("still answers after the schema changed under a kept statement", () => {
    const sqlite = new Database(":memory:");
    const db = keepingStatements(sqlite);
    sqlite.exec("create table t (n integer); insert into t values (1)");
    expect(db.prepare("select * from t").all([])).toEqual([{ n: 1 }]);
    sqlite.exec("alter table t add column m text default 'x'");
    expect(db.prepare("select * from t").all([])).toEqual([{ n: 1, m: "x" }]);
    db.close();
  });
});
