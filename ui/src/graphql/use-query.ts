/**
 * Runs a query when its variables (or the token) change; refetch() runs it again and keeps the
 * data on screen meanwhile, so live refreshes do not flicker.
 */
import { useCallback, useEffect, useState } from "react";
import { useToken } from "../auth/session";
import { execute, type GraphQLErrorLike } from "./client";
import type { TypedDocumentString } from "./generated";

export interface QueryState<T> {
  data: T | undefined;
  /** Errors next to the data (partial results). */
  partialErrors: readonly GraphQLErrorLike[];
  /** The whole request failed. */
  error: Error | undefined;
  loading: boolean;
  refetch(): void;
}

interface Held<T> {
  key: string;
  data: T | undefined;
  partialErrors: readonly GraphQLErrorLike[];
  error: Error | undefined;
  loading: boolean;
}

export function useQuery<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: { skip?: boolean } = {},
): QueryState<TResult> {
  const key = JSON.stringify(variables ?? {});
  const token = useToken();
  const skip = options.skip === true;
  const [nonce, setNonce] = useState(0);
  const [held, setHeld] = useState<Held<TResult>>({ key, data: undefined, partialErrors: [], error: undefined, loading: !skip });

  useEffect(() => {
    if (skip) return;
    const abort = new AbortController();
    setHeld((h) => (h.key === key ? { ...h, loading: true } : { key, data: undefined, partialErrors: [], error: undefined, loading: true }));
    execute(document, JSON.parse(key) as TVariables, abort.signal).then(
      (result) => {
        if (!abort.signal.aborted) setHeld({ key, data: result.data, partialErrors: result.errors, error: undefined, loading: false });
      },
      (err: unknown) => {
        if (abort.signal.aborted) return;
        const error = err instanceof Error ? err : new Error(String(err));
        setHeld((h) => ({ ...h, key, error, loading: false }));
      },
    );
    return () => abort.abort();
  }, [document, key, nonce, token, skip]);

  const refetch = useCallback(() => setNonce((n) => n + 1), []);
  const current = held.key === key;
  return {
    data: current ? held.data : undefined,
    partialErrors: current ? held.partialErrors : [],
    error: current ? held.error : undefined,
    loading: !skip && (!current || held.loading),
    refetch,
  };
}
