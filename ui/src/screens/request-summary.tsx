/** What a promotion request is about, in one line, linked to the model or deployment. */
import type { RequestFieldsFragment } from "../graphql/generated";
import { href, Link } from "../router";

type Summarised = Pick<RequestFieldsFragment, "kind" | "backendId" | "modelName" | "version" | "environment" | "fromStage" | "toStage" | "deploymentRevision">;

export function RequestSummary({ request: r }: { request: Summarised }) {
  const verb = r.kind === "ROLLBACK" ? "Rollback" : "Promotion";
  if (r.deploymentRevision !== null) {
    return (
      <>
        {verb} of deployment{" "}
        <Link to={href(["deployments", r.environment, r.modelName])}>
          {r.modelName} revision {r.deploymentRevision.number}
        </Link>{" "}
        in {r.environment}
      </>
    );
  }
  return (
    <>
      {verb} of{" "}
      <Link to={href(["models", r.backendId, r.modelName], { version: r.version })}>
        {r.backendId}/{r.modelName}@{r.version}
      </Link>{" "}
      {r.fromStage.toLowerCase()} → {r.toStage.toLowerCase()} in {r.environment}
    </>
  );
}
