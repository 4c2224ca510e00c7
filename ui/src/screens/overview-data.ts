/** Runs the production overview query for every environment shown, in parallel, as one state. */
import { useCallback, useEffect, useState } from "react";
import { useToken } from "../auth/session";
import { execute } from "../graphql/client";
import { ProductionOverviewDocument, type ProductionOverviewQuery } from "../graphql/generated";

export type ProductionState = ProductionOverviewQuery["whatRunsInProduction"];

export interface OverviewData {
  states: ProductionState[] | undefined;
  errors: { environment: string; message: string }[];
  loading: boolean;
  refetch(): void;
}

export function useOverviewData(environments: readonly string[], asOf: string | undefined): OverviewData {
  const token = useToken();
  const key = JSON.stringify([environments, asOf ?? null]);
  const [nonce, setNonce] = useState(0);
  const [held, setHeld] = useState<{ key: string; states: ProductionState[] | undefined; errors: OverviewData["errors"]; loading: boolean }>({
    key,
    states: undefined,
    errors: [],
    loading: true,
  });
  useEffect(() => {
    const [envs, at] = JSON.parse(key) as [string[], string | null];
    if (envs.length === 0) return;
    const abort = new AbortController();
    setHeld((h) => (h.key === key ? { ...h, loading: true } : { key, states: undefined, errors: [], loading: true }));
    void Promise.all(
      envs.map((environment) =>
        execute(ProductionOverviewDocument, { environment, past: at !== null, ...(at === null ? {} : { asOf: at }) }, abort.signal).then(
          (r) => ({ environment, state: r.data.whatRunsInProduction, error: undefined }),
          (err: unknown) => ({ environment, state: undefined, error: err instanceof Error ? err.message : String(err) }),
        ),
      ),
    ).then((results) => {
      if (abort.signal.aborted) return;
      setHeld({
        key,
        states: results.flatMap((r) => (r.state === undefined ? [] : [r.state])),
        errors: results.flatMap((r) => (r.error === undefined ? [] : [{ environment: r.environment, message: r.error }])),
        loading: false,
      });
    });
    return () => abort.abort();
  }, [key, nonce, token]);
  const refetch = useCallback(() => setNonce((n) => n + 1), []);
  const current = held.key === key;
  return { states: current ? held.states : undefined, errors: current ? held.errors : [], loading: !current || held.loading, refetch };
}
