import { describe, expect, it } from "vitest";
import { lineageTree } from "./lineage-tree";

const n = (id: string, kind = "VERSION") => ({ id, kind, label: id });

describe("the lineage graph as a tree", () => {
  const graph = {
    root: "v:b",
    nodes: [n("v:a"), n("v:b"), n("v:c"), n("d:x", "DATASET"), n("dep:p", "DEPLOYMENT")],
    edges: [
      { from: "v:a", to: "v:b", kind: "FINE_TUNED_FROM" },
      { from: "d:x", to: "v:a", kind: "TRAINED_ON" },
      { from: "d:x", to: "v:b", kind: "TRAINED_ON" },
      { from: "v:b", to: "v:c", kind: "DISTILLED_FROM" },
      { from: "v:b", to: "dep:p", kind: "BUNDLED_IN" },
    ],
  };

  it("hangs what went in under a node upstream, a node met twice shown again without children", () => {
    const tree = lineageTree(graph, "UPSTREAM")!;
    expect(tree.children.map((c) => [c.node.id, c.edge?.kind, c.repeat])).toEqual([
      ["v:a", "FINE_TUNED_FROM", false],
      ["d:x", "TRAINED_ON", true],
    ]);
    expect(tree.children[0]!.children.map((c) => [c.node.id, c.repeat])).toEqual([["d:x", false]]);
  });

  it("hangs what came out under a node downstream, and ends on a cycle", () => {
    const cyclic = { ...graph, edges: [...graph.edges, { from: "v:c", to: "v:b", kind: "DISTILLED_FROM" }] };
    const tree = lineageTree(cyclic, "DOWNSTREAM")!;
    expect(tree.children.map((c) => c.node.id)).toEqual(["v:c", "dep:p"]);
    expect(tree.children[0]!.children.map((c) => [c.node.id, c.repeat])).toEqual([["v:b", true]]);
  });

  it("has no tree when the root is not among the nodes", () => {
    expect(lineageTree({ ...graph, root: "v:zz" }, "UPSTREAM")).toBeUndefined();
  });
});
