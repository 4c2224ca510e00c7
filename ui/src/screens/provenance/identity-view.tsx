/**
 * A version's identity: the digest over what determines the model, whether every input was there
 * (else which were missing), and the other versions of the model with the same identity.
 */
import { StageBadge } from "../../components/badges";
import { ErrorBox, Loading, PartialErrors } from "../../components/status";
import { VersionIdentityDocument } from "../../graphql/generated";
import { useQuery } from "../../graphql/use-query";
import { href, Link } from "../../router";

const INPUT_NAMES: Record<string, string> = {
  codeCommit: "code commit",
  datasetHash: "dataset hash",
  params: "training params",
  seed: "seed",
  model: "pinned model id",
  prompt: "prompt text",
  tools: "tool schemas",
};

export function IdentityView({ backend, model, version }: { backend: string; model: string; version: string }) {
  const result = useQuery(VersionIdentityDocument, { backend, model, version });
  if (result.error !== undefined) return <ErrorBox error={result.error} />;
  if (result.data === undefined) return <Loading what="the identity" />;
  const v = result.data.modelVersion;
  if (v === null) return <ErrorBox error={`${backend}/${model} has no version ${version}`} />;
  const id = v.identity;
  return (
    <>
      <PartialErrors errors={result.partialErrors} />
      <p className="muted">SHA-256 over the canonical JSON (RFC 8785) of what determines the model: code commit, dataset, params and seed, and for LLM entries the pinned model, prompt and tools.</p>
      <dl className="fields identity">
        <dt>Identity</dt>
        <dd>
          <code>{id.digest}</code>
        </dd>
        <dt>Complete</dt>
        <dd>
          {id.complete ? (
            <span className="badge verdict-ok">complete</span>
          ) : (
            <>
              <span className="badge verdict-warn">incomplete</span> missing: {id.missing.map((m) => INPUT_NAMES[m] ?? m).join(", ")}
            </>
          )}
        </dd>
      </dl>
      {!id.complete && <p className="muted small">An incomplete identity is still computed, but proves nothing about duplicates.</p>}
      {id.problems.length > 0 && (
        <div className="warning-box" role="status">
          <strong>Inputs that could not be read:</strong>
          <ul>
            {id.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <h3>Duplicates</h3>
      {v.duplicates.length === 0 ? (
        <p className="muted">{id.complete ? "No other version of this model has the same identity." : "Not checked: only complete identities flag duplicates."}</p>
      ) : (
        <div className="warning-box duplicates" role="status">
          <strong>
            Duplicate: the same model is registered as {v.duplicates.length === 1 ? "another version" : `${v.duplicates.length} other versions`}
          </strong>
          <ul>
            {v.duplicates.map((d) => (
              <li key={d.version}>
                <Link to={href(["models", d.backendId, d.modelName], { version: d.version, view: "identity" })}>
                  {d.backendId}/{d.modelName}@{d.version}
                </Link>{" "}
                <StageBadge stage={d.stage} />
              </li>
            ))}
          </ul>
        </div>
      )}
      <details className="inputs">
        <summary>What was hashed</summary>
        <pre className="json">{JSON.stringify(id.inputs, null, 2)}</pre>
      </details>
    </>
  );
}
