/**
 * The OpenSSF model signature over a version's artifact, verified by the gateway with every file
 * hashed again: verified or the failure (with the files at fault), the signer, the digests.
 */
import { ErrorBox, Loading, PartialErrors } from "../../components/status";
import { Time } from "../../components/time";
import { VersionSignatureDocument } from "../../graphql/generated";
import { useQuery } from "../../graphql/use-query";

export function SignatureView({ backend, model, version }: { backend: string; model: string; version: string }) {
  const result = useQuery(VersionSignatureDocument, { backend, model, version });
  if (result.error !== undefined) return <ErrorBox error={result.error} />;
  if (result.data === undefined) return <Loading what="the signature (every file of the artifact is hashed again)" />;
  const v = result.data.modelVersion;
  if (v === null) return <ErrorBox error={`${backend}/${model} has no version ${version}`} />;
  const s = v.signature;
  return (
    <>
      <PartialErrors errors={result.partialErrors} />
      <p className={`verdict ${s.verified ? "verdict-box-ok" : "verdict-box-bad"}`} role="status">
        {s.verified ? (
          <>
            <strong>Signature verified</strong>: signed by {s.signer?.description ?? "a trusted signer"}
            {s.fileCount != null && <>, {s.fileCount} file{s.fileCount === 1 ? "" : "s"} hashed again and matched</>}.
          </>
        ) : (
          <>
            <strong>Not verified</strong>
            {s.failure != null && (
              <>
                {" "}
                ({s.failure.code}): {s.failure.message}
              </>
            )}
          </>
        )}
      </p>
      {s.failure != null && s.failure.files.length > 0 && (
        <>
          <h3>Files at fault</h3>
          <ul className="files">
            {s.failure.files.map((f) => (
              <li key={f}>
                <code>{f}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      <dl className="fields signature">
        <dt>Signer</dt>
        <dd>{s.signer == null ? "—" : `${s.signer.kind === "KEY" ? "key" : "certificate identity"} ${s.signer.id}${s.signer.kind === "KEY" ? "" : ` (${s.signer.description})`}`}</dd>
        <dt>Subject digest</dt>
        <dd>{s.digest == null ? "—" : <code>{s.digest}</code>}</dd>
        <dt>Bundle digest</dt>
        <dd>{s.bundleDigest == null ? "—" : <code>{s.bundleDigest}</code>}</dd>
        <dt>Predicate</dt>
        <dd>{s.predicateType ?? "—"}</dd>
        <dt>Artifact</dt>
        <dd>{(s.artifactUri ?? v.artifactUri) == null ? "—" : <code>{s.artifactUri ?? v.artifactUri}</code>}</dd>
        <dt>Signature file</dt>
        <dd>{s.signatureUri == null ? "—" : <code>{s.signatureUri}</code>}</dd>
        <dt>Verified at</dt>
        <dd>
          <Time value={s.verifiedAt} />
        </dd>
      </dl>
    </>
  );
}
