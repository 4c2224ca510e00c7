/**
 * The lineage graph (`lineage { root nodes edges }`) as a tree from its root: upstream, a node's
 * children are what went into it; downstream, what came out of it. A node reached a second time
 * is shown again without its children (`repeat`), so cycles and diamonds stay finite.
 */
export interface GraphNode {
  id: string;
  kind: string;
  label: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: string;
  detail?: string | null;
}

export interface TreeNode<N extends GraphNode> {
  node: N;
  /** The edge to the parent in the tree (none for the root). */
  edge?: GraphEdge;
  children: TreeNode<N>[];
  /** Shown elsewhere in the tree already; its children are there. */
  repeat: boolean;
}

const KIND_ORDER = ["VERSION", "DATASET", "COMMIT", "RUN", "DEPLOYMENT"];

export function lineageTree<N extends GraphNode>(graph: { root: string; nodes: readonly N[]; edges: readonly GraphEdge[] }, direction: "UPSTREAM" | "DOWNSTREAM"): TreeNode<N> | undefined {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const root = byId.get(graph.root);
  if (root === undefined) return undefined;
  const expanded = new Set<string>();
  const build = (node: N, edge: GraphEdge | undefined): TreeNode<N> => {
    if (expanded.has(node.id)) return { node, ...(edge === undefined ? {} : { edge }), children: [], repeat: true };
    expanded.add(node.id);
    const next = graph.edges
      .filter((e) => (direction === "UPSTREAM" ? e.to === node.id : e.from === node.id))
      .map((e) => ({ e, n: byId.get(direction === "UPSTREAM" ? e.from : e.to) }))
      .filter((x): x is { e: GraphEdge; n: N } => x.n !== undefined)
      .sort((a, b) => KIND_ORDER.indexOf(a.n.kind) - KIND_ORDER.indexOf(b.n.kind) || a.n.label.localeCompare(b.n.label));
    return { node, ...(edge === undefined ? {} : { edge }), children: next.map(({ e, n }) => build(n, e)), repeat: false };
  };
  return build(root, undefined);
}

/** How an edge reads from the tree's child to its parent. */
export function edgePhrase(kind: string, direction: "UPSTREAM" | "DOWNSTREAM"): string {
  const up: Record<string, string> = {
    TRAINED_ON: "trained on",
    BUILT_FROM_COMMIT: "built from commit",
    PRODUCED_BY: "produced by run",
    FINE_TUNED_FROM: "fine-tuned from",
    DISTILLED_FROM: "distilled from",
    BUNDLED_IN: "bundled in",
  };
  const down: Record<string, string> = {
    TRAINED_ON: "trained from it",
    BUILT_FROM_COMMIT: "built from it",
    PRODUCED_BY: "produced by it",
    FINE_TUNED_FROM: "fine-tuned from it",
    DISTILLED_FROM: "distilled from it",
    BUNDLED_IN: "runs it",
  };
  return (direction === "UPSTREAM" ? up : down)[kind] ?? kind.toLowerCase();
}
