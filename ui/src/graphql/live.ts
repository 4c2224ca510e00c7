/**
 * Live registry events: one graphql-ws connection per page (same origin, /graphql, the session's
 * token in connectionParams) shared by every screen's `registryEvents` subscription. The client
 * reconnects by itself; screens refetch after a reconnect, since events may have been missed.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { createClient, type Client } from "graphql-ws/client";
import { getToken, useToken } from "../auth/session";
import { GRAPHQL_PATH } from "./client";
import { RegistryEventsDocument, type RegistryEventFilter, type RegistryEventsSubscription } from "./generated";

export type RegistryEvent = RegistryEventsSubscription["registryEvents"];
export type LiveStatus = "connecting" | "live" | "offline";

let client: Client | undefined;
let clientToken: string | null = null;
let status: LiveStatus = "connecting";
const statusListeners = new Set<() => void>();

function setStatus(next: LiveStatus): void {
  if (status === next) return;
  status = next;
  for (const l of statusListeners) l();
}

function wsClient(): Client {
  const token = getToken();
  if (client !== undefined && clientToken === token) return client;
  void client?.dispose();
  clientToken = token;
  setStatus("connecting");
  const url = `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}${GRAPHQL_PATH}`;
  client = createClient({
    url,
    lazy: true,
    connectionParams: () => {
      const t = getToken();
      return t === null ? {} : { authorization: `Bearer ${t}` };
    },
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    on: {
      connected: () => setStatus("live"),
      closed: () => setStatus("offline"),
      error: () => setStatus("offline"),
    },
  });
  return client;
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (l) => {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    () => status,
  );
}

/**
 * Calls onEvent for every matching registry event while mounted; `onEvent` may change between
 * renders without resubscribing. Also calls it (with undefined) after a reconnect.
 */
export function useRegistryEvents(filter: RegistryEventFilter | undefined, onEvent: (event: RegistryEvent | undefined) => void, enabled = true): LiveStatus {
  const token = useToken();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = JSON.stringify(filter ?? {});
  const live = useLiveStatus();
  const [wasOffline, setWasOffline] = useState(false);

  useEffect(() => {
    if (!enabled) return;
    const c = wsClient();
    const unsubscribe = c.subscribe<RegistryEventsSubscription>(
      { query: RegistryEventsDocument.toString(), variables: { filter: JSON.parse(key) as RegistryEventFilter } },
      {
        next: (message) => {
          if (message.data) handler.current(message.data.registryEvents);
        },
        error: () => setStatus("offline"),
        complete: () => undefined,
      },
    );
    return unsubscribe;
  }, [key, token, enabled]);

  // After a reconnect, tell the screen to refetch what it may have missed.
  useEffect(() => {
    if (live === "offline") setWasOffline(true);
    if (live === "live" && wasOffline) {
      setWasOffline(false);
      handler.current(undefined);
    }
  }, [live, wasOffline]);

  return live;
}
