/** The page frame: navigation, who is signed in, and whether live updates are connected. */
import type { ReactNode } from "react";
import { setToken } from "../auth/session";
import { useViewerState } from "../auth/viewer";
import { useLiveStatus } from "../graphql/live";
import { href, Link, useLocation } from "../router";

const NAV: { label: string; segment: string }[] = [
  { label: "Overview", segment: "" },
  { label: "Approvals", segment: "approvals" },
  { label: "Models", segment: "models" },
  { label: "Deployments", segment: "deployments" },
  { label: "Lifecycle", segment: "lifecycle" },
  { label: "Impact", segment: "impact" },
  { label: "Audit trail", segment: "audit" },
];

export function Layout({ children, pending }: { children: ReactNode; pending: number | undefined }) {
  const location = useLocation();
  const state = useViewerState();
  const live = useLiveStatus();
  const current = location.segments[0] ?? "";
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={href([])} className="brand">
          modelgate
        </Link>
        {state.status === "signed-in" && (
        <nav aria-label="Console">
          <ul>
            {NAV.map((item) => (
              <li key={item.segment}>
                <Link to={href(item.segment === "" ? [] : [item.segment])} aria-current={current === item.segment ? "page" : undefined}>
                  {item.label}
                  {item.segment === "approvals" && pending !== undefined && pending > 0 && (
                    <span className="count" aria-label={`${pending} pending`}>
                      {pending}
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        )}
        <div className="session">
          {state.status === "signed-in" && (
            <>
              <span className={`live live-${live}`} title="Live updates from registryEvents">
                {live === "live" ? "live" : live === "connecting" ? "connecting…" : "offline: reconnecting"}
              </span>
              <span className="who">
                <span className="who-name">{state.viewer.displayName}</span>{" "}
                <span className="who-roles">{state.viewer.developmentMode ? "every role" : state.viewer.roles.map((r) => r.toLowerCase()).join(", ")}</span>
              </span>
              {!state.viewer.developmentMode && (
                <button type="button" className="button button-quiet" onClick={() => setToken(null)}>
                  Sign out
                </button>
              )}
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
