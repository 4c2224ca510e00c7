/** Every model across the backends, searchable; each opens its model and version screen. */
import { Field } from "../components/field";
import { ModelListDocument, OverviewSetupDocument } from "../graphql/generated";
import { useQuery } from "../graphql/use-query";
import { BackendBadge } from "../components/badges";
import { ErrorBox, Loading, PartialErrors } from "../components/status";
import { href, Link, setQuery, useLocation } from "../router";

export function Models() {
  const { query } = useLocation();
  const search = query.get("q") ?? "";
  const backend = query.get("backend") ?? "";
  const after = query.get("after") ?? undefined;
  const setup = useQuery(OverviewSetupDocument, {});
  const list = useQuery(ModelListDocument, {
    ...(search.trim() === "" ? {} : { filter: { nameContains: search.trim() } }),
    ...(backend === "" ? {} : { backend }),
    ...(after === undefined ? {} : { after }),
  });
  const models = list.data?.models;
  return (
    <section aria-labelledby="models-title">
      <div className="page-head">
        <h1 id="models-title">Models</h1>
        <p className="muted">Every registered model, from every backend.</p>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <Field label="Name">
          {(id) => (
            <input id={id} type="search" value={search} placeholder="name contains" onChange={(e) => setQuery({ q: e.target.value, after: undefined })} />
          )}
        </Field>
        <Field label="Backend">
          {(id) => (
            <select id={id} value={backend} onChange={(e) => setQuery({ backend: e.target.value, after: undefined })}>
              <option value="">all backends</option>
              {(setup.data?.backends ?? []).map((b) => (
                <option key={b.backendId} value={b.backendId}>
                  {b.backendId} ({b.kind})
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {list.error && <ErrorBox error={list.error} />}
      <PartialErrors errors={list.partialErrors} />
      {models === undefined ? (
        list.error ? null : <Loading what="models" />
      ) : (
        <>
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Backend</th>
                <th scope="col">Latest version</th>
                <th scope="col">Aliases</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {models.nodes.map((m) => (
                <tr key={m.id}>
                  <th scope="row">
                    <Link to={href(["models", m.backendId, m.name])}>{m.name}</Link>
                  </th>
                  <td>
                    <BackendBadge backend={m.backendId} />
                  </td>
                  <td>{m.latestVersion ?? "—"}</td>
                  <td>{m.aliases.map((a) => `${a.name} → ${a.version}`).join(", ") || "—"}</td>
                  <td>{m.description ?? ""}</td>
                </tr>
              ))}
              {models.nodes.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    No models match.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          {models.pageInfo.hasNextPage && models.pageInfo.endCursor !== null && (
            <p>
              <Link to={href(["models"], { q: search, backend, after: models.pageInfo.endCursor })}>Next page</Link>
            </p>
          )}
        </>
      )}
    </section>
  );
}
