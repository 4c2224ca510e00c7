/**
 * The lineage graph around a version, across backends: upstream (datasets, commits, runs, parent
 * and teacher versions) and downstream (derived versions, deployments), to a chosen depth.
 * References that resolve nowhere are named as dangling; a walk cut short says so.
 */
import { Field } from "../../components/field";
import { ErrorBox, Loading, PartialErrors } from "../../components/status";
import { LineageDocument, type LineageDirection } from "../../graphql/generated";
import { useQuery } from "../../graphql/use-query";
import { setQuery, useLocation } from "../../router";
import { LineageNodeLabel } from "./lineage-node";
import { LineageTreeView } from "./lineage-tree-view";
import { WalkLimits } from "./walk-limits";

const DIRECTIONS: { value: LineageDirection; label: string }[] = [
  { value: "BOTH", label: "upstream and downstream" },
  { value: "UPSTREAM", label: "upstream: what went in" },
  { value: "DOWNSTREAM", label: "downstream: what came out" },
];

export function LineageView({ id }: { id: string }) {
  const { query } = useLocation();
  const direction = DIRECTIONS.find((d) => d.value === query.get("direction"))?.value ?? "BOTH";
  const depthParam = Number(query.get("depth"));
  const depth = Number.isInteger(depthParam) && depthParam >= 1 && depthParam <= 10 ? depthParam : 3;
  const result = useQuery(LineageDocument, { id, direction, depth });
  const graph = result.data?.lineage;
  const dangling = graph?.nodes.filter((n) => n.dangling) ?? [];
  const byId = new Map(graph?.nodes.map((n) => [n.id, n]) ?? []);
  return (
    <>
      <form className="inline-form filters" aria-label="Lineage walk" onSubmit={(e) => e.preventDefault()}>
        <Field label="Direction">
          {(fid) => (
            <select id={fid} value={direction} onChange={(e) => setQuery({ direction: e.target.value === "BOTH" ? undefined : e.target.value })}>
              {DIRECTIONS.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Depth">
          {(fid) => (
            <select id={fid} value={depth} onChange={(e) => setQuery({ depth: e.target.value === "3" ? undefined : e.target.value })}>
              {Array.from({ length: 10 }, (_, i) => i + 1).map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {result.error !== undefined && <ErrorBox error={result.error} />}
      {graph === undefined && result.error === undefined && <Loading what="the lineage graph" />}
      {graph !== undefined && (
        <>
          <PartialErrors errors={result.partialErrors} />
          <WalkLimits partial={graph.partial} limits={graph.limits} failedBackends={graph.failedBackends} />
          <p className="muted">
            {graph.nodes.length} nodes, {graph.edges.length} edges from <code>{id}</code>, depth {depth}.
          </p>
          {direction !== "DOWNSTREAM" && <LineageTreeView graph={graph} direction="UPSTREAM" title="Upstream: what went into it" />}
          {direction !== "UPSTREAM" && <LineageTreeView graph={graph} direction="DOWNSTREAM" title="Downstream: what came out of it" />}
          <h3>Dangling references</h3>
          {dangling.length === 0 ? (
            <p className="muted">Every reference resolved.</p>
          ) : (
            <ul className="dangling-list">
              {dangling.map((n) => (
                <li key={n.id}>
                  <code>{n.value ?? n.label}</code>: {n.problem ?? "resolves nowhere"}
                </li>
              ))}
            </ul>
          )}
          <details className="edges">
            <summary>Every edge ({graph.edges.length})</summary>
            <table className="grid">
              <caption>Edges of the lineage graph, pointing downstream</caption>
              <thead>
                <tr>
                  <th scope="col">From</th>
                  <th scope="col">Edge</th>
                  <th scope="col">To</th>
                </tr>
              </thead>
              <tbody>
                {graph.edges.map((e, i) => {
                  const from = byId.get(e.from);
                  const to = byId.get(e.to);
                  return (
                    <tr key={i}>
                      <td>{from === undefined ? <code>{e.from}</code> : <LineageNodeLabel node={from} />}</td>
                      <td>
                        {e.kind}
                        {e.detail != null && <span className="muted small"> {e.detail}</span>}
                      </td>
                      <td>{to === undefined ? <code>{e.to}</code> : <LineageNodeLabel node={to} />}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </details>
        </>
      )}
    </>
  );
}
