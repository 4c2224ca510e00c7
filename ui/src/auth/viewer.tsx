/**
 * Who is signed in: the `viewer` query, asked again whenever the token changes. Without a token
 * the gateway answers in loopback development mode (anonymous, every role) or with 401, and the
 * console then asks for a token.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { execute, RequestError } from "../graphql/client";
import { ViewerDocument } from "../graphql/generated";
import type { Viewer } from "./permissions";
import { useToken } from "./session";

export type ViewerState =
  | { status: "loading" }
  | { status: "signed-in"; viewer: Viewer }
  | { status: "needs-token"; message: string }
  | { status: "error"; message: string };

const ViewerContext = createContext<ViewerState>({ status: "loading" });

export function ViewerProvider({ children }: { children: ReactNode }) {
  const token = useToken();
  const [state, setState] = useState<ViewerState>({ status: "loading" });
  useEffect(() => {
    const abort = new AbortController();
    setState({ status: "loading" });
    execute(ViewerDocument, {}, abort.signal).then(
      ({ data }) => setState({ status: "signed-in", viewer: data.viewer }),
      (err: unknown) => {
        if (abort.signal.aborted) return;
        if (err instanceof RequestError && (err.unauthenticated || err.status === 403)) {
          setState({ status: "needs-token", message: token === null ? "This gateway needs a bearer token." : err.message });
        } else {
          setState({ status: "error", message: err instanceof Error ? err.message : String(err) });
        }
      },
    );
    return () => abort.abort();
  }, [token]);
  return <ViewerContext.Provider value={state}>{children}</ViewerContext.Provider>;
}

export function useViewerState(): ViewerState {
  return useContext(ViewerContext);
}

/** The signed-in viewer (screens render only once there is one). */
export function useViewer(): Viewer | undefined {
  const state = useContext(ViewerContext);
  return state.status === "signed-in" ? state.viewer : undefined;
}
