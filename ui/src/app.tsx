/** The console: who is signed in, the page frame, and which screen the URL names. */
import { useViewerState, ViewerProvider } from "./auth/viewer";
import { Layout } from "./components/layout";
import { ErrorBox, Loading } from "./components/status";
import { PendingCountDocument } from "./graphql/generated";
import { useLiveRefetch } from "./graphql/use-live-refetch";
import { useQuery } from "./graphql/use-query";
import { href, Link, useLocation } from "./router";
import { Approvals } from "./screens/approvals";
import { Audit } from "./screens/audit";
import { DeploymentScreen } from "./screens/deployment";
import { ImpactScreen } from "./screens/impact";
import { LifecycleScreen } from "./screens/lifecycle";
import { Deployments } from "./screens/deployments";
import { ModelScreen } from "./screens/model";
import { Models } from "./screens/models";
import { Overview } from "./screens/overview";
import { SignIn } from "./screens/sign-in";

function Screen() {
  const { segments } = useLocation();
  const [first, a, b] = segments;
  if (first === undefined) return <Overview />;
  if (first === "approvals" && segments.length === 1) return <Approvals />;
  if (first === "models" && segments.length === 1) return <Models />;
  if (first === "models" && a !== undefined && b !== undefined && segments.length === 3) return <ModelScreen key={`${a}/${b}`} backend={a} name={b} />;
  if (first === "deployments" && segments.length === 1) return <Deployments />;
  if (first === "deployments" && a !== undefined && b !== undefined && segments.length === 3) return <DeploymentScreen key={`${a}/${b}`} environment={a} name={b} />;
  if (first === "audit" && segments.length === 1) return <Audit />;
  if (first === "impact" && segments.length === 1) return <ImpactScreen />;
  if (first === "lifecycle" && segments.length === 1) return <LifecycleScreen />;
  return (
    <section aria-labelledby="not-found-title">
      <h1 id="not-found-title">Not found</h1>
      <p>
        The console has no page here. Go to the <Link to={href([])}>production overview</Link>.
      </p>
    </section>
  );
}

function SignedIn() {
  const pending = useQuery(PendingCountDocument, {});
  useLiveRefetch({ types: ["PROMOTION_UPDATED", "APPROVAL", "STAGE_CHANGED", "DEPLOYMENT_CHANGED"] }, pending.refetch);
  return (
    <Layout pending={pending.data?.promotionRequests.nodes.length}>
      <Screen />
    </Layout>
  );
}

function Gate() {
  const state = useViewerState();
  if (state.status === "signed-in") return <SignedIn />;
  return (
    <Layout pending={undefined}>
      {state.status === "loading" ? (
        <Loading what="the console" />
      ) : state.status === "needs-token" ? (
        <SignIn message={state.message} />
      ) : (
        <ErrorBox error={state.message} />
      )}
    </Layout>
  );
}

export function App() {
  return (
    <ViewerProvider>
      <Gate />
    </ViewerProvider>
  );
}
