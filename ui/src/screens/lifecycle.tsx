/**
 * The lifecycle screen (`/ui/lifecycle`, `?view=usage`): the deprecation plan with its apply, and
 * usage and idle versions with their owners (docs/lifecycle.md).
 */
import { href, Link, useLocation } from "../router";
import { PlanView } from "./lifecycle/plan-view";
import { UsageView } from "./lifecycle/usage-view";

const VIEWS = [
  { id: "plan", label: "Deprecation plan" },
  { id: "usage", label: "Usage and idle" },
] as const;

export function LifecycleScreen() {
  const { query } = useLocation();
  const view = query.get("view") === "usage" ? "usage" : "plan";
  return (
    <section aria-labelledby="lifecycle-title">
      <div className="page-head">
        <h1 id="lifecycle-title">Lifecycle</h1>
        <p className="muted">What the registry can shed: versions the deprecation policy archives, and versions nobody uses any more.</p>
      </div>
      <nav aria-label="Lifecycle views" className="subnav">
        <ul>
          {VIEWS.map((v) => (
            <li key={v.id}>
              <Link to={href(["lifecycle"], { view: v.id === "plan" ? undefined : v.id })} aria-current={v.id === view ? "page" : undefined}>
                {v.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {view === "plan" ? <PlanView /> : <UsageView />}
    </section>
  );
}
