/**
 * Protected aliases on a real git-YAML registry (docs/lifecycle.md#protected-aliases): a direct move
 * of `champion` is refused for every caller (GraphQL, the MLflow facade), the move goes through a
 * request with the production gates and approvals, applies once through the outbox, shows in the
 * trail; an unprotected alias still moves directly.
 */
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { BUILT_IN_ADAPTERS, type FactoryMap } from "../../src/app/adapter-registry.js";
import { ConflictError, UnavailableError, type AdapterFactory, type RegistryAdapter } from "../../src/core/index.js";
import {
  APPROVE,
  TOKENS,
  auditActions,
  commitCount,
  startWorkflowGateway,
  waitForStatus,
  type ParsedJson,
  type WorkflowGateway,
} from "../workflow/workflow-gateway.js";

let gw: WorkflowGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const POLICIES = {
  policies: {
    rules: [
      { toStages: ["PRODUCTION"], gates: { approvals: 1, canary: true } },
      { gates: {} },
    ],
    protectedAliases: [{ models: "support-*", aliases: ["champion"], environment: "production" }],
  },
};

const SET = `mutation($input: AliasSetInput!) { aliasSet(input: $input) { modelVersion { version aliases } previousVersion userErrors { field code message } } }`;
const REMOVE = `mutation($input: AliasRemoveInput!) { aliasRemove(input: $input) { removedFromVersion userErrors { field code message } } }`;
const MOVE = `mutation($input: AliasMoveRequestInput!) {
  aliasMoveRequest(input: $input) {
    replayed
    promotionRequest { id status alias version fromStage toStage environment previousVersions policy { source approvals canary } gates { gate passed detail } }
    userErrors { field code message }
  }
}`;
const CANARY = `mutation($input: CanaryResultRecordInput!) { canaryResultRecord(input: $input) { userErrors { message } } }`;
const ALIASES = `query { model(backend: "example", name: "support-triage") { aliases { name version } } }`;

/**
 * git-YAML whose setAlias fails on cue, the way no real backend does: "outage" fails before writing
 * (transient), "half" writes the alias and then answers with a permanent error.
 */
function faultyAliases(plan: ("outage" | "half" | "ok")[], calls: string[]): FactoryMap {
  const real = BUILT_IN_ADAPTERS.get("git-yaml")!;
  const factory: AdapterFactory<unknown> = {
    kind: "alias-faulty-git-yaml",
    description: "git-yaml with injected setAlias failures (tests)",
    configSchema: real.configSchema,
    async create(id, config, ctx): Promise<RegistryAdapter> {
      const inner = await real.create(id, config, ctx);
      const setAlias: RegistryAdapter["setAlias"] = async (model, alias, version, callCtx, opts) => {
        calls.push(`${alias}:${version}`);
        const fault = plan.shift() ?? "ok";
        if (fault === "outage") throw new UnavailableError(`${id} is down (injected)`, { backend: id });
        const moved = await inner.setAlias(model, alias, version, callCtx, opts);
        if (fault === "half") throw new ConflictError(`${id} wrote the alias but refused the call (injected)`, { backend: id });
        return moved;
      };
      return new Proxy(inner, {
        get(target, prop) {
          if (prop === "setAlias") return setAlias;
          const value: unknown = Reflect.get(target, prop);
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
  return new Map([...BUILT_IN_ADAPTERS, [factory.kind, factory]]);
}

const aliasesNow = async (g: WorkflowGateway): Promise<Record<string, string>> => {
  const res = await g.as("vic", ALIASES);
  return Object.fromEntries((res.data?.model.aliases as { name: string; version: string }[]).map((a) => [a.name, a.version]));
};
const move = (version: string, extra: Record<string, unknown> = {}) => ({
  input: { backend: "example", model: "support-triage", alias: "champion", version, reason: "15 won the shadow run", ...extra },
});

describe("protected aliases on git-YAML", () => {
  it("refuses direct moves and removals for every caller, naming the request path", async () => {
    gw = await startWorkflowGateway({ config: POLICIES });
    const commits = commitCount(gw.repo);
    for (const who of ["alice", "pat"] as const) {
      const res = await gw.as(who, SET, { input: { backend: "example", model: "support-triage", alias: "champion", version: "15" } });
      expect(res.data?.aliasSet.userErrors).toEqual([
        { field: ["input", "alias"], code: "FORBIDDEN", message: expect.stringContaining("aliasMoveRequest") },
      ]);
      expect(res.data?.aliasSet.userErrors[0].message).toContain('alias "champion" of example/support-triage is protected (policies.protectedAliases[0])');
      expect(res.data?.aliasSet.userErrors[0].message).toContain("modelgate alias request support-triage champion 15 --backend example");
    }
    const removed = await gw.as("alice", REMOVE, { input: { backend: "example", model: "support-triage", alias: "champion" } });
    expect(removed.data?.aliasRemove.userErrors).toEqual([{ field: ["input", "alias"], code: "FORBIDDEN", message: expect.stringContaining("cannot be removed directly") }]);

    // The MLflow-compatible facade: MLflow's error shape, the same refusal.
    const facade = await fetch(`${gw.url}/mlflow/example/api/2.0/mlflow/registered-models/alias`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKENS.pat}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "support-triage", alias: "champion", version: "15" }),
    });
    expect(facade.status).toBe(403);
    expect(await facade.json()).toEqual({ error_code: "PERMISSION_DENIED", message: expect.stringContaining("aliasMoveRequest") });
    const facadeDelete = await fetch(`${gw.url}/mlflow/example/api/2.0/mlflow/registered-models/alias`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKENS.alice}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "support-triage", alias: "champion" }),
    });
    expect(await facadeDelete.json()).toEqual({ error_code: "PERMISSION_DENIED", message: expect.stringContaining("cannot be removed directly") });
    expect(facadeDelete.status).toBe(403);

    // The CLI: the userError, exit code 2.
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), env: { MODELGATE_TOKEN: TOKENS.alice }, exit: () => undefined };
    const code = await runCli(["alias", "set", "support-triage", "champion", "15", "--backend", "example", "--url", gw.url], io);
    expect(code).toBe(2);
    expect(out.join("")).toContain("aliasMoveRequest");

    expect(await aliasesNow(gw)).toMatchObject({ champion: "14", challenger: "15" });
    expect(commitCount(gw.repo)).toBe(commits);
    // Each refusal is in the trail.
    const refused = (await auditActions(gw)).filter((e) => e.outcome === "FAILURE");
    expect(refused.map((e) => e.action)).toEqual(["alias.set", "alias.set", "alias.remove", "alias.set", "alias.remove", "alias.set"]);
  });

  it("moves an unprotected alias directly, as before", async () => {
    gw = await startWorkflowGateway({ config: POLICIES });
    const res = await gw.as("alice", SET, { input: { backend: "example", model: "support-triage", alias: "challenger", version: "16" } });
    expect(res.data?.aliasSet).toMatchObject({ previousVersion: "15", userErrors: [] });
    expect(await aliasesNow(gw)).toMatchObject({ champion: "14", challenger: "16" });
    const notProtected = await gw.as("alice", MOVE, { input: { backend: "example", model: "support-triage", alias: "challenger", version: "15", reason: "r" } });
    expect(notProtected.data?.aliasMoveRequest.userErrors).toEqual([{ field: ["input", "alias"], code: "INVALID_INPUT", message: expect.stringContaining("not protected") }]);
  });

  it("moves a protected alias through a request: production gates, four eyes, applied once, in the trail", async () => {
    gw = await startWorkflowGateway({ config: POLICIES });
    const before = commitCount(gw.repo);
    const res = await gw.as("alice", MOVE, move("15", { idempotencyKey: "move-champion-15" }));
    expect(res.data?.aliasMoveRequest.userErrors).toEqual([]);
    const req = res.data!.aliasMoveRequest.promotionRequest as Record<string, ParsedJson>;
    expect(req).toMatchObject({
      status: "PENDING",
      alias: "champion",
      version: "15",
      fromStage: "STAGING",
      toStage: "STAGING",
      environment: "production",
      previousVersions: ["14"],
      policy: { source: "rules[0]", approvals: 1, canary: true },
    });
    expect(req.gates).toHaveLength(2);
    expect(req.gates).toEqual(
      expect.arrayContaining([
        { gate: "CANARY", passed: false, detail: "no canary result recorded for this version in this environment" },
        { gate: "APPROVAL", passed: false, detail: "0 of 1 approval(s)" },
      ]),
    );
    // A replay returns the same request; a second open move of the alias is refused.
    const replay = await gw.as("alice", MOVE, move("15", { idempotencyKey: "move-champion-15" }));
    expect(replay.data?.aliasMoveRequest).toMatchObject({ replayed: true, promotionRequest: { id: req.id } });
    const second = await gw.as("alice", MOVE, move("16"));
    expect(second.data?.aliasMoveRequest.userErrors[0]).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already has an open request") });
    // A stage request of the same slot is not held up by the alias move.
    const stage = await gw.as("alice", `mutation($input: PromotionRequestInput!) { promotionRequest(input: $input) { promotionRequest { status } userErrors { message } } }`, {
      input: { backend: "example", model: "support-triage", version: "16", toStage: "STAGING", environment: "production", reason: "to staging" },
    });
    expect(stage.data?.promotionRequest.userErrors).toEqual([]);

    // Nothing moves while the gates wait.
    const canary = await gw.as("alice", CANARY, { input: { backend: "example", model: "support-triage", version: "15", environment: "production", clean: true } });
    expect(canary.data?.canaryResultRecord.userErrors).toEqual([]);
    expect(await aliasesNow(gw)).toMatchObject({ champion: "14" });
    const approval = await gw.as("pat", APPROVE, { id: req.id });
    expect(approval.data?.promotionApprove.userErrors).toEqual([]);
    const approved = await waitForStatus(gw, req.id as string);
    expect(approved.status).toBe("APPLIED");

    expect(await aliasesNow(gw)).toMatchObject({ champion: "15", challenger: "15" });
    // The version's stage did not change; the alias is in the registry's file.
    expect((await gw.as("vic", `query { modelVersion(backend: "example", model: "support-triage", version: "15") { stage } }`)).data?.modelVersion.stage).toBe("STAGING");
    const yaml = await readFile(join(gw.repo, "models/support-triage.yaml"), "utf8");
    expect(yaml).toMatch(/champion: "?15"?/);
    expect(commitCount(gw.repo)).toBeGreaterThan(before);
    const rawId = (JSON.parse(Buffer.from(req.id as string, "base64url").toString("utf8").replace(/^mg1:/, "")) as string[])[1]!;
    const log = execFileSync("git", ["-C", gw.repo, "log", "-1", "--format=%B"], { encoding: "utf8" });
    expect(log).toContain("move alias champion 14 -> 15");
    expect(log).toContain(`Modelgate-Promotion: ${rawId}`);
    expect(log).toContain("Approved-by: pat");

    // The trail: request, gates, approval, queue, apply (previous target recorded), alias.set; each once.
    const events = await auditActions(gw);
    const ours = events.filter((e) => String(e.target).includes(rawId) || e.target === "example/support-triage#champion");
    expect(ours.map((e) => e.action)).toEqual([
      "promotion.request",
      "promotion.gate",
      "promotion.gate",
      "promotion.gate",
      "promotion.approve",
      "promotion.gate",
      "promotion.queue",
      "promotion.apply",
      "alias.set",
    ]);
    const request = ours[0]!;
    expect(request.target).toBe(`alias champion of example/support-triage@15 (production) [${rawId}]`);
    expect(request.after).toMatchObject({ alias: "champion", version: "15", protectedBy: "policies.protectedAliases[0]", gatesOf: "PRODUCTION" });
    expect(ours.at(-2)).toMatchObject({ actor: "modelgate:outbox", before: { alias: "champion", version: "14" }, after: { alias: "champion", version: "15" }, outcome: "SUCCESS" });
    expect(ours.at(-1)).toMatchObject({ actor: "modelgate:outbox", before: { alias: "champion", version: "14" }, after: { alias: "champion", version: "15", requestId: rawId } });
    // The same approval is not applied twice: a further approval is refused, the alias stays.
    const again = await gw.as("bob", APPROVE, { id: req.id });
    expect(again.data?.promotionApprove.userErrors[0]).toMatchObject({ code: "CONFLICT" });
    expect(await aliasesNow(gw)).toMatchObject({ champion: "15" });
  });

  it("retries an outage and applies once; a move that fails halfway puts the alias back on its previous target", async () => {
    const calls: string[] = [];
    const plan: ("outage" | "half" | "ok")[] = ["outage", "ok", "half"];
    gw = await startWorkflowGateway({
      config: { policies: { rules: [{ gates: {} }], protectedAliases: [{ aliases: ["champion"], environment: "production" }] } },
      backendKind: "alias-faulty-git-yaml",
      factories: faultyAliases(plan, calls),
    });
    // No gates: queued at once; the first setAlias meets an outage, the retry applies it.
    const ok = await gw.as("alice", MOVE, move("15"));
    expect(ok.data?.aliasMoveRequest.userErrors).toEqual([]);
    expect((await waitForStatus(gw, ok.data!.aliasMoveRequest.promotionRequest.id as string)).status).toBe("APPLIED");
    expect(calls).toEqual(["champion:15", "champion:15"]);
    expect(await aliasesNow(gw)).toMatchObject({ champion: "15" });

    // The backend writes the alias, then fails the call for good: the apply undoes its write.
    const bad = await gw.as("alice", MOVE, move("16", { reason: "try 16" }));
    const failed = await waitForStatus(gw, bad.data!.aliasMoveRequest.promotionRequest.id as string);
    expect(failed.status).toBe("FAILED");
    expect(failed.failure).toContain("refused the call (injected)");
    expect(failed.failure).toContain("put alias champion back on 15");
    expect(calls).toEqual(["champion:15", "champion:15", "champion:16", "champion:15"]);
    expect(await aliasesNow(gw)).toMatchObject({ champion: "15" });

    const applies = (await auditActions(gw, "promotion.apply")).map((e) => [e.outcome, e.after.alias ?? null, e.after.version ?? null]);
    expect(applies).toEqual([
      ["SUCCESS", "champion", "15"],
      ["FAILURE", null, null],
    ]);
    // Exactly one outbox alias.set: the applied move; none for the failed one.
    expect((await auditActions(gw, "alias.set")).filter((e) => e.actor === "modelgate:outbox").map((e) => e.after.version)).toEqual(["15"]);
  });
});
