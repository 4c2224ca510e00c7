/**
 * docs/ui.md and its screenshots (docs/ui/*.png) are written by the console tests as they drive
 * the screens, so the pictures always show the console as it is. Each test file shoots its own
 * screens; the page text below is the same whichever file writes it.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { REPO_ROOT } from "../support/test-gateway.js";

interface Screen {
  id: string;
  title: string;
  text: string;
}

export const SCREENS: readonly Screen[] = [
  {
    id: "overview",
    title: "Production overview",
    text:
      "Rows are deployments and models with a standalone version running; columns are environments. Each cell shows the backend, " +
      "the version (or deployment revision), the traffic weights per role with shadow components marked, who approved it and when, " +
      "and health: a deployment whose component was archived, changed outside modelgate or is gone shows **DEGRADED** with the " +
      "component and the reason. Filter by backend, model and environment; the **As of** picker answers \"what ran last Tuesday\" " +
      "from the audit trail. The page follows live registry events: a promotion applied elsewhere appears without a reload.",
  },
  {
    id: "overview-drift",
    title: "Drift and the past",
    text:
      "A version changed outside modelgate (here someone edited the registry by hand and put an archived version back into " +
      "production) carries a **drift** flag: the stage the backend reports and the one the promotion trail expects.",
  },
  {
    id: "approvals",
    title: "Approval queue",
    text:
      "Every pending request with its gates (the eval score against the policy's threshold, with a link to the evidence; the " +
      "canary result), **n of m** approvals and who asked. Approve or reject with a comment, recorded in the audit trail. The " +
      "requester's own Approve button is disabled: *four eyes: someone else must approve*. Requests made elsewhere (here by a CI " +
      "pipeline running `modelgate promote --wait`) appear live, marked new.",
  },
  {
    id: "model",
    title: "Model and version",
    text:
      "The versions table shows each version's stage, aliases, backend and drift. The selected version shows its generation " +
      "config with the prompt text and a word-level diff to the previous version's prompt (added words underlined, removed ones " +
      "struck through), its lineage, the backend's own fields (native: SageMaker's ModelLifeCycle, Vertex AI labels, git-YAML x- keys), " +
      "eval records, and the model's history from the audit trail. Promotion and rollback are here " +
      "for those whose role allows them.",
  },
  {
    id: "model-viewer",
    title: "What a role may not do",
    text:
      "Signed in with a viewer token, the same page shows promotion and rollback disabled, each with the reason next to it " +
      "(which role it needs and which roles the token holds).",
  },
  {
    id: "provenance-changes",
    title: "What changed since the previous version",
    text:
      "The **Changes** view of a version compares it with the version before (or any other): version fields, params, every " +
      "metric with its delta, generation config fields, the prompt as a line diff, tools by name, lineage and tags. Here " +
      "support-triage 15 against 14: a new prompt, the `escalate_to_human` tool, other parameters.",
  },
  {
    id: "provenance-lineage",
    title: "Lineage",
    text:
      "The **Lineage** view walks the graph around the version across every backend, upstream (datasets, commits, runs, parent " +
      "and teacher versions) and downstream (distilled or fine-tuned versions, the deployments that run it), to a depth of 1 to " +
      "10. Each step names its edge (*trained on*, *fine-tuned from*, *distilled from*, *runs it*). A reference that resolves " +
      "nowhere (an outside model id) is named as **dangling** with the reason; a walk cut short by the depth or node limit, or " +
      "a backend that could not be read, is named as a partial result. Every edge is also listed in a table.",
  },
  {
    id: "provenance-impact",
    title: "Impact of a dataset",
    text:
      "**Impact** (in the menu, or the Impact view of a version) answers the recall question: every version derived from a " +
      "dataset hash or a version, with the path from it, and per environment the impacted versions in its stage and the running " +
      "deployments that bundle one. Dataset nodes of the lineage link here.",
  },
  {
    id: "provenance-card",
    title: "Model card",
    text:
      "The **Model card** view shows the card generated from the registry (license, base model, datasets, tags, eval results), " +
      "the human-written sections (intended use, factors, ethical considerations, caveats, ...), what the card still lacks, and " +
      "the Hugging Face `README.md` to download. Publishers edit the sections for the version or the whole model; the write is " +
      "audited and mirrored to the backend, and the page says whether the backend took it. Others see the form disabled with the reason.",
  },
  {
    id: "provenance-signature",
    title: "Signature",
    text:
      "The **Signature** view verifies the OpenSSF model signature over the version's artifact, hashing every file again: " +
      "verified with the signer and the subject and bundle digests, or the failure with its code and the files at fault (here a " +
      "weights file changed after signing).",
  },
  {
    id: "provenance-identity",
    title: "Identity and duplicates",
    text:
      "The **Identity** view shows the digest over what determines the model (code commit, dataset, params and seed; for LLM " +
      "entries the pinned model, prompt and tools), whether it is complete or which inputs are missing, what was hashed, and " +
      "the other versions of the model with the same identity, flagged as duplicates.",
  },
  {
    id: "deployments",
    title: "Deployments",
    text: "Every deployment per environment with the revision it runs, its latest revision and its health.",
  },
  {
    id: "deployment",
    title: "A deployment",
    text:
      "The revision timeline (when each revision ran, who asked and who approved), the components of a revision with their " +
      "weights and shadow flags, a diff between any two revisions, and rollback: pick the revision, read exactly which components " +
      "change, then confirm.",
  },
  {
    id: "deployment-rollback",
    title: "Rollback confirmation",
    text: "Rolling back asks for confirmation and shows the change once more. The rollback skips the gates and is applied at once by the outbox.",
  },
  {
    id: "lifecycle-rollout",
    title: "A guarded rollout",
    text:
      "A deployment whose new revision rolls out by plan shows it above the timeline: the status, the step and the share of " +
      "traffic the new revision serves, the plan's steps with the current one marked, the weights served now, and the current " +
      "step's canary evidence against each threshold of the plan (passed, broken or still waiting) with the leader's verdict " +
      "and when missing evidence acts. **Pause** (publisher) holds the weights; **Resume** and **Abort** (approver) let it run " +
      "again or roll back to the previous revision, after a confirmation; each asks for a reason, recorded in the audit trail. " +
      "Signed in as a publisher, Resume and Abort are disabled with the reason: *aborting a rollout needs the approver role*.",
  },
  {
    id: "lifecycle-plan",
    title: "Deprecation plan",
    text:
      "**Lifecycle** (in the menu) shows what `policies.deprecation` would archive now, as a dry run: each version to archive " +
      "with its stage, age, rank and last deployment use and why in words; the versions past the newest N it keeps and why " +
      "(an environment runs it, a deployment bundles it, it is recent, a request is open); each model's share against " +
      "`maxArchiveShare`, and why the plan stops and asks when a share is passed. Filter by backend and model.",
  },
  {
    id: "lifecycle-apply",
    title: "Applying the plan",
    text:
      "A publisher applies the plan with a reason: one archive request per version, under the ARCHIVED policy rule of the " +
      "plan's environment. Each version's outcome (queued, waiting for approval with a link to the queue, skipped, refused) " +
      "and its request's status follow live until the outbox has archived it; the plan then has nothing left to archive.",
  },
  {
    id: "lifecycle-usage",
    title: "Usage and idle versions",
    text:
      "The **Usage and idle** view lists the open `IDLE_IN_PRODUCTION` alerts (versions in production nobody resolved or " +
      "served for `lifecycle.idle.afterDays`) with how long they have been idle, their last use and the model's owner " +
      "(team and contact, from the model's tags or `lifecycle.owners`), and per environment every version in its stage with " +
      "its resolves and served requests of the last 24 hours, its last use, the deployments that bundle it and its owner: " +
      "what a team can retire.",
  },
  {
    id: "audit",
    title: "Audit trail",
    text:
      "Filter by actor, action, model and time. The hash chain's status is checked on load: \"verified through #N\", or the first " +
      "broken seq and why. **Export JSONL** downloads every event matching the filters, one JSON object per line.",
  },
  {
    id: "sign-in",
    title: "Signing in",
    text:
      "When the gateway has authentication configured, the console asks for a bearer token (from `modelgate token new` or your " +
      "identity provider). It is kept in the tab's sessionStorage and sent only to this gateway. In loopback development mode " +
      "(`npm start` with the bundled modelgate.yaml) no token is needed.",
  },
];

const DOC_HEAD = `# Web console

\`npm start\` serves the console at **http://127.0.0.1:4000/ui**: production at a glance, the approval
queue, models and their versions with their provenance, deployments with guarded rollouts and
rollback, the lifecycle (deprecation plan, usage and idle versions), impact, and the audit trail,
without writing a query. It is built from \`ui/\` (React 18, Vite) by \`npm run build\` and served by the gateway itself
at \`/ui\`: same origin as \`/graphql\`, no CDN, under a strict Content-Security-Policy
(\`default-src 'self'\`, no inline script), so it works offline. It is a client of the public GraphQL
API like any other (typed from \`schema/schema.graphql\` with graphql-codegen) and follows changes live
through the \`registryEvents\` subscription over WebSocket.

- **Sign-in**: paste a bearer token (kept in sessionStorage for the tab), or nothing in loopback
  development mode. \`viewer { id displayName roles developmentMode }\` tells the console who you are;
  actions your roles do not allow are shown disabled with the reason.
- **Links**: every screen and filter is in the URL (\`/ui/models/<backend>/<name>?version=15\`,
  \`/ui/audit?actor=bob\`, \`/ui/?asOf=2026-12-01T09:00:00Z\`), so views can be shared and bookmarked.
- **Developing it**: \`npm run ui:dev\` serves \`ui/\` with hot reload on http://127.0.0.1:5173/ui/ and
  forwards \`/graphql\` to a gateway on port 4000; \`npm run codegen\` regenerates
  \`ui/src/graphql/generated.ts\` after changing an operation in \`ui/src/graphql/operations/\` or the
  schema, and \`npm run codegen:check\` (CI) fails when it is out of date.

The screenshots below are taken by the browser tests (\`test/ui/\`) against a real gateway with the
example registry and a real MLflow server, so they show the console as it is.
`;

export function screenshotPath(id: string): string {
  return join(REPO_ROOT, "docs/ui", `${id}.png`);
}

export async function writeDoc(): Promise<void> {
  const sections = SCREENS.map((s) => `## ${s.title}\n\n${s.text}\n\n![${s.title}](ui/${s.id}.png)\n`);
  await writeFile(join(REPO_ROOT, "docs/ui.md"), `${DOC_HEAD}\n${sections.join("\n")}`);
}

/** Screenshots a screen into docs/ui/<id>.png (a known id) and rewrites docs/ui.md. */
export async function shoot(page: Page, id: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  if (!SCREENS.some((s) => s.id === id)) throw new Error(`docs/ui.md has no screen "${id}": add it to SCREENS in test/ui/docs.ts`);
  await mkdir(join(REPO_ROOT, "docs/ui"), { recursive: true });
  await page.screenshot({ path: screenshotPath(id), fullPage: opts.fullPage ?? true, animations: "disabled", caret: "hide" });
  await writeDoc();
}
