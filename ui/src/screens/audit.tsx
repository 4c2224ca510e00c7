/**
 * The audit trail: filter by actor, action, model and time; the hash chain's status; the filtered
 * events exported as JSON Lines (every page, exactly as the API returns them).
 */
import { Field } from "../components/field";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { execute } from "../graphql/client";
import { AuditEventsDocument, type AuditEventFieldsFragment, type AuditEventFilter } from "../graphql/generated";
import { useRegistryEvents } from "../graphql/live";
import { isoToLocalInput, localInputToIso } from "../lib/format";
import { download, toJsonl } from "../lib/jsonl";
import { setQuery, useLocation } from "../router";
import { ErrorBox, Loading } from "../components/status";
import { AuditTable } from "./audit-table";
import { ChainStatus } from "./chain-status";

const PAGE = 100;

/** Suggestions for the action filter (any action can be typed: the filter matches exactly). */
const KNOWN_ACTIONS = [
  "model.create",
  "model_version.register",
  "alias.set",
  "alias.remove",
  "eval.record",
  "canary.record",
  "promotion.request",
  "promotion.gate",
  "promotion.approve",
  "promotion.reject",
  "promotion.queue",
  "promotion.apply",
  "promotion.demote",
  "promotion.rollback",
  "deployment.revision_create",
  "deployment.promote",
  "deployment.rollback",
  "deployment.activate",
  "OUT_OF_BAND_CHANGE",
  "DRIFT_RESOLVED",
];

function filterFrom(query: URLSearchParams): AuditEventFilter {
  const filter: AuditEventFilter = {};
  for (const key of ["actor", "action", "model", "from", "to"] as const) {
    const value = query.get(key)?.trim();
    if (value) filter[key] = value;
  }
  return filter;
}

function fileName(filter: AuditEventFilter): string {
  const parts = Object.entries(filter).map(([k, v]) => `${k}-${String(v).replace(/[^A-Za-z0-9._-]+/g, "_")}`);
  return `modelgate-audit${parts.length > 0 ? `-${parts.join("-")}` : ""}.jsonl`;
}

export function Audit() {
  const { query } = useLocation();
  const filter = filterFrom(query);
  const key = JSON.stringify(filter);
  const [events, setEvents] = useState<AuditEventFieldsFragment[] | undefined>(undefined);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [nonce, setNonce] = useState(0);
  const [fresh, setFresh] = useState(0);
  const [exporting, setExporting] = useState<string | undefined>(undefined);

  useEffect(() => {
    const abort = new AbortController();
    setEvents(undefined);
    setError(undefined);
    setFresh(0);
    execute(AuditEventsDocument, { filter: JSON.parse(key) as AuditEventFilter, first: PAGE }, abort.signal).then(
      ({ data }) => {
        setEvents(data.auditEvents.nodes);
        setNext(data.auditEvents.pageInfo.hasNextPage ? data.auditEvents.pageInfo.endCursor : null);
      },
      (err: unknown) => {
        if (!abort.signal.aborted) setError(err instanceof Error ? err : new Error(String(err)));
      },
    );
    return () => abort.abort();
  }, [key, nonce]);

  useRegistryEvents(filter.model ? { model: filter.model } : undefined, (e) => {
    if (e !== undefined) setFresh((n) => n + 1);
  });

  const loadMore = useCallback(async () => {
    if (next === null) return;
    try {
      const { data } = await execute(AuditEventsDocument, { filter: JSON.parse(key) as AuditEventFilter, first: PAGE, after: next });
      setEvents((list) => [...(list ?? []), ...data.auditEvents.nodes]);
      setNext(data.auditEvents.pageInfo.hasNextPage ? data.auditEvents.pageInfo.endCursor : null);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  }, [key, next]);

  const exportJsonl = async () => {
    const all: AuditEventFieldsFragment[] = [];
    let after: string | null = null;
    setExporting("exporting…");
    try {
      do {
        const { data }: { data: { auditEvents: { nodes: AuditEventFieldsFragment[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } = await execute(
          AuditEventsDocument,
          { filter: JSON.parse(key) as AuditEventFilter, first: PAGE, ...(after === null ? {} : { after }) },
        );
        all.push(...data.auditEvents.nodes);
        after = data.auditEvents.pageInfo.hasNextPage ? data.auditEvents.pageInfo.endCursor : null;
        setExporting(`exporting… ${all.length} events`);
      } while (after !== null);
      download(fileName(JSON.parse(key) as AuditEventFilter), toJsonl(all));
      setExporting(`exported ${all.length} events`);
    } catch (err) {
      setExporting(`export failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => {
      const v = form.get(name);
      return typeof v === "string" ? v.trim() : undefined;
    };
    setQuery({ actor: value("actor"), action: value("action"), model: value("model") });
  };

  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <h1 id="audit-title">Audit trail</h1>
        <p className="muted">Every change through modelgate, hash-chained: who did what, when, and why.</p>
      </div>
      <ChainStatus />
      <form className="filters" onSubmit={apply} aria-label="Filters">
        <Field label="Actor">
          {(id) => (
            <input id={id} name="actor" type="search" defaultValue={query.get("actor") ?? ""} key={`actor:${query.get("actor") ?? ""}`} placeholder="exact id, e.g. bob" />
          )}
        </Field>
        <Field label="Action">
          {(id) => (
            <>
              <input id={id} name="action" type="search" list="audit-actions" defaultValue={query.get("action") ?? ""} key={`action:${query.get("action") ?? ""}`} placeholder="e.g. promotion.approve" />
              <datalist id="audit-actions">
                {KNOWN_ACTIONS.map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="Model">
          {(id) => (
            <input id={id} name="model" type="search" defaultValue={query.get("model") ?? ""} key={`model:${query.get("model") ?? ""}`} placeholder="exact name" />
          )}
        </Field>
        <Field label="From">
          {(id) => (
            <input id={id} type="datetime-local" value={isoToLocalInput(query.get("from") ?? undefined)} onChange={(e) => setQuery({ from: localInputToIso(e.target.value) })} />
          )}
        </Field>
        <Field label="To">
          {(id) => (
            <input id={id} type="datetime-local" value={isoToLocalInput(query.get("to") ?? undefined)} onChange={(e) => setQuery({ to: localInputToIso(e.target.value) })} />
          )}
        </Field>
        <button type="submit" className="button button-primary">
          Apply filters
        </button>
        <button type="button" className="button" onClick={() => void exportJsonl()} disabled={exporting?.startsWith("exporting") === true}>
          Export JSONL
        </button>
        {exporting !== undefined && (
          <span className="muted" role="status">
            {exporting}
          </span>
        )}
      </form>
      {fresh > 0 && (
        <p className="notice">
          <button type="button" className="button" onClick={() => setNonce((n) => n + 1)}>
            Show {fresh} new event{fresh === 1 ? "" : "s"}
          </button>
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {events === undefined ? (
        error ? null : <Loading what="audit events" />
      ) : (
        <>
          <AuditTable events={events} caption={`${events.length}${next !== null ? "+" : ""} events, newest first`} />
          {next !== null && (
            <p>
              <button type="button" className="button" onClick={() => void loadMore()}>
                Load older events
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
