/**
 * The bearer token the console sends, kept in sessionStorage (gone when the tab closes; never in
 * localStorage or a cookie). Components follow it with useToken().
 */
import { useSyncExternalStore } from "react";

const KEY = "modelgate.token";
const listeners = new Set<() => void>();

function read(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

let current = read();

function emit(): void {
  for (const listener of listeners) listener();
}

export function getToken(): string | null {
  return current;
}

export function setToken(token: string | null): void {
  const value = token === null ? null : token.trim().replace(/^Bearer\s+/i, "");
  current = value === null || value === "" ? null : value;
  try {
    if (current === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, current);
  } catch {
    // Storage refused (private mode): the token lives for this page only.
  }
  emit();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken);
}
