/** The lineage graph as nested lists from the root, one edge phrase per step. */
import { edgePhrase, lineageTree, type TreeNode } from "../../lib/lineage-tree";
import type { LineageQuery } from "../../graphql/generated";
import { LineageNodeLabel, type LineageNode } from "./lineage-node";

function Branch({ tree, direction }: { tree: TreeNode<LineageNode>; direction: "UPSTREAM" | "DOWNSTREAM" }) {
  return (
    <li>
      {tree.edge !== undefined && <span className="edge">{edgePhrase(tree.edge.kind, direction)}</span>} <LineageNodeLabel node={tree.node} />
      {tree.repeat && tree.children.length === 0 && <span className="muted small"> (shown above)</span>}
      {tree.children.length > 0 && (
        <ul>
          {tree.children.map((c, i) => (
            <Branch key={`${c.node.id}:${i}`} tree={c} direction={direction} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function LineageTreeView({ graph, direction, title }: { graph: LineageQuery["lineage"]; direction: "UPSTREAM" | "DOWNSTREAM"; title: string }) {
  const tree = lineageTree(graph, direction);
  const headingId = `lineage-${direction.toLowerCase()}`;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      {tree === undefined ? (
        <p className="muted">The start node is not in the graph.</p>
      ) : tree.children.length === 0 ? (
        <p className="muted">{direction === "UPSTREAM" ? "Nothing recorded went into it." : "Nothing derived from it, and no deployment runs it."}</p>
      ) : (
        <ul className="lineage-tree" aria-labelledby={headingId}>
          {tree.children.map((c, i) => (
            <Branch key={`${c.node.id}:${i}`} tree={c} direction={direction} />
          ))}
        </ul>
      )}
    </section>
  );
}
