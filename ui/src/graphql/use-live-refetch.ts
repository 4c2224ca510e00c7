/** Refetches (at most every 300 ms) when a matching registry event arrives or the socket reconnects. */
import { useEffect, useRef } from "react";
import type { RegistryEventFilter } from "./generated";
import { useRegistryEvents, type LiveStatus, type RegistryEvent } from "./live";

export function useLiveRefetch(filter: RegistryEventFilter | undefined, refetch: () => void, enabled = true, onEvent?: (e: RegistryEvent) => void): LiveStatus {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useRegistryEvents(
    filter,
    (event) => {
      if (event !== undefined) onEvent?.(event);
      if (timer.current !== undefined) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        refetch();
      }, 300);
    },
    enabled,
  );
}
