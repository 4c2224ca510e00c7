/** A request's gate results: eval score against its threshold (with the evidence), canary, approvals. */
import type { RequestFieldsFragment } from "../graphql/generated";
import { Time } from "../components/time";

type Gate = RequestFieldsFragment["gates"][number];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A link when the evidence is a web address, else the reference as code. */
export function EvidenceRef({ value, label }: { value: string; label: string }) {
  if (/^https?:\/\//i.test(value)) {
    return (
      <a href={value} rel="noreferrer noopener" target="_blank">
        {label}
      </a>
    );
  }
  return (
    <span>
      {label}: <code>{value}</code>
    </span>
  );
}

function Evidence({ gate }: { gate: Gate }) {
  const e = gate.evidence;
  if (!isRecord(e)) return null;
  const refs: { value: string; label: string }[] = [];
  const artifact = text(e["artifactUri"]);
  const run = text(e["run"]);
  const canary = text(e["evidence"]);
  if (artifact !== undefined) refs.push({ value: artifact, label: "eval artifact" });
  if (run !== undefined) refs.push({ value: run, label: "eval run" });
  if (canary !== undefined) refs.push({ value: canary, label: "canary evidence" });
  const notes = text(e["notes"]);
  if (refs.length === 0 && notes === undefined) return null;
  return (
    <span className="evidence">
      {refs.map((r) => (
        <EvidenceRef key={r.label} value={r.value} label={r.label} />
      ))}
      {notes !== undefined && <span className="muted">{notes}</span>}
    </span>
  );
}

export function GateList({ request }: { request: Pick<RequestFieldsFragment, "gates" | "policy"> }) {
  if (request.gates.length === 0) return <p className="muted">No gates apply ({request.policy.source}).</p>;
  return (
    <ul className="gates" aria-label="Gate results">
      {request.gates.map((g) => (
        <li key={g.gate} className={g.passed ? "gate gate-passed" : "gate gate-waiting"}>
          <span className="gate-state">{g.passed ? "passed" : "waiting"}</span>
          <span className="gate-name">{g.gate.toLowerCase()}</span>
          <span className="gate-detail">
            {g.gate === "EVAL" && request.policy.minEvalScore != null && isRecord(g.evidence) && typeof g.evidence["score"] === "number" ? (
              <>
                score <strong>{g.evidence["score"]}</strong> against threshold <strong>{request.policy.minEvalScore}</strong>
                {typeof g.evidence["suite"] === "string" && <span className="muted"> ({g.evidence["suite"]})</span>}
              </>
            ) : (
              g.detail
            )}
          </span>
          <Evidence gate={g} />
          <span className="muted small">
            <Time value={g.evaluatedAt} />
          </span>
        </li>
      ))}
    </ul>
  );
}
