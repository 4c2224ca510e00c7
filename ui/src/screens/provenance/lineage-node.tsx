/** One node of the lineage graph: its kind, a link where the console has a page for it, and its flags. */
import { StageBadge } from "../../components/badges";
import type { LineageQuery } from "../../graphql/generated";
import { href, Link } from "../../router";

export type LineageNode = LineageQuery["lineage"]["nodes"][number];

const KIND_LABELS: Record<string, string> = { VERSION: "version", RUN: "run", COMMIT: "commit", DATASET: "dataset", DEPLOYMENT: "deployment" };

function Target({ node }: { node: LineageNode }) {
  const v = node.modelVersion;
  if (node.kind === "VERSION" && v != null) {
    return <Link to={href(["models", v.backendId, v.modelName], { version: v.version, view: "lineage" })}>{node.label}</Link>;
  }
  if (node.kind === "DATASET" && node.value != null) return <Link to={href(["impact"], { dataset: node.value })}>{node.label}</Link>;
  if (node.kind === "DEPLOYMENT" && node.deployment != null) return <Link to={href(["deployments", node.deployment.environment, node.deployment.name])}>{node.label}</Link>;
  return <code>{node.label}</code>;
}

export function LineageNodeLabel({ node }: { node: LineageNode }) {
  return (
    <span className="lineage-node">
      <span className={`badge kind kind-${node.kind.toLowerCase()}`}>{KIND_LABELS[node.kind] ?? node.kind.toLowerCase()}</span> <Target node={node} />
      {node.modelVersion != null && (
        <>
          {" "}
          <StageBadge stage={node.modelVersion.stage} />
        </>
      )}
      {node.dangling && (
        <span className="dangling">
          {" "}
          <span className="badge badge-dangling">dangling</span> {node.problem}
        </span>
      )}
      {!node.dangling && node.problem != null && <span className="muted small"> {node.problem}</span>}
      {node.hasMore && <span className="badge badge-more"> more beyond the limit</span>}
    </span>
  );
}
