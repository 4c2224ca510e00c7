/**
 * The lineage graph around one node: versions, the runs that produced them, the code commits they
 * were built from, the datasets they were trained on, the versions they were fine-tuned or
 * distilled from, and the deployments that bundle them, across every backend. Edges point
 * downstream, from what went in to what came out. Upstream walks resolve references as they go;
 * downstream walks use the fleet index (./fleet-index.ts). Walks are bounded: depth at most
 * MAX_DEPTH, at most MAX_NODES nodes, and a cut-off walk says where it stopped.
 */
import { InvalidInputError, NotFoundError, isRegistryError, type BackendInfo, type CallContext, type ModelVersion } from "../../core/index.js";
import type { Catalog } from "../../catalog/catalog.js";
import type { DeploymentRecord, DeploymentRevisionRecord } from "../../store/deployment-store.js";
import type { Store } from "../../store/store.js";
import { failureOf, type BackendFailure, type FleetIndex } from "./fleet-index.js";
import { parseReference, versionKey } from "./references.js";
import { CatalogLookup, resolveReference, type Resolution, type VersionLookup } from "./resolution.js";

export const MAX_DEPTH = 10;
export const MAX_NODES = 1_000;

export type LineageNodeKind = "VERSION" | "RUN" | "COMMIT" | "DATASET" | "DEPLOYMENT";
export type LineageEdgeKind = "TRAINED_ON" | "BUILT_FROM_COMMIT" | "PRODUCED_BY" | "FINE_TUNED_FROM" | "DISTILLED_FROM" | "BUNDLED_IN" | "COPIED_FROM";
export type LineageDirection = "UPSTREAM" | "DOWNSTREAM" | "BOTH";

export interface LineageNode {
  /** "version:backend/name@v", "ref:<text>", "dataset:<hash>", "commit:<sha>", "run:<backend>/<id>", "deployment:<environment>/<name>". */
  id: string;
  kind: LineageNodeKind;
  label: string;
  /** A reference that resolves nowhere (an outside model id, a version no backend has): kept, named as such. */
  dangling: boolean;
  /** Why it is dangling, or which backend could not be read to resolve it. */
  problem?: string;
  version?: ModelVersion;
  deployment?: { record: DeploymentRecord; revision?: DeploymentRevisionRecord; running: boolean };
  /** Dataset hash, commit, run id or reference text. */
  value?: string;
  backendId?: string;
  /** Edges from the start node to this one (0 for the start). */
  depth: number;
  /** It has edges the walk did not follow (the depth limit or the node limit cut them off). */
  hasMore: boolean;
}

export interface LineageEdge {
  from: string;
  to: string;
  kind: LineageEdgeKind;
  /** A deployment edge's role, weight and revision; a dangling reference's text. */
  detail?: string;
}

export interface LineageGraph {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** True when something is missing: a limit was reached or a backend failed. */
  partial: boolean;
  /** What cut the walk short, in words. */
  limits: string[];
  failedBackends: BackendFailure[];
}

interface Step {
  edge: LineageEdge;
  node: LineageNode;
}

const versionNode = (v: ModelVersion, depth = 0): LineageNode => ({
  id: `version:${versionKey(v)}`,
  kind: "VERSION",
  label: versionKey(v),
  dangling: false,
  version: v,
  backendId: v.backendId,
  depth,
  hasMore: false,
});

const refNode = (text: string, r: Exclude<Resolution, { status: "RESOLVED" }>): LineageNode => ({
  id: `ref:${text}`,
  kind: "VERSION",
  label: text,
  dangling: r.status === "DANGLING",
  problem: r.reason,
  value: text,
  depth: 0,
  hasMore: false,
});

const plain = (kind: "DATASET" | "COMMIT", value: string): LineageNode => ({
  id: `${kind === "DATASET" ? "dataset" : "commit"}:${value}`,
  kind,
  label: value,
  dangling: false,
  value,
  depth: 0,
  hasMore: false,
});

const runNode = (backendId: string, runId: string, link?: string): LineageNode => ({
  id: `run:${backendId}/${runId}`,
  kind: "RUN",
  label: link === undefined ? `run ${runId} (${backendId})` : `run ${runId} (${link})`,
  dangling: false,
  value: runId,
  backendId,
  depth: 0,
  hasMore: false,
});

const deploymentNode = (record: DeploymentRecord, revision: DeploymentRevisionRecord | undefined, running: boolean): LineageNode => ({
  id: `deployment:${record.environment}/${record.name}`,
  kind: "DEPLOYMENT",
  label: `${record.name} (${record.environment}${revision === undefined ? "" : ` #${revision.number}${running ? "" : ", not running"}`})`,
  dangling: false,
  deployment: { record, ...(revision === undefined ? {} : { revision }), running },
  depth: 0,
  hasMore: false,
});

export interface LineageWalkerDeps {
  catalog: Catalog;
  store: Store;
  ctx: CallContext;
  /** The fleet index, built on first use (downstream walks only). */
  index: () => Promise<FleetIndex>;
}

export class LineageWalker {
  readonly #backends: BackendInfo[];
  readonly #lookup: VersionLookup;
  readonly #failed = new Map<string, BackendFailure>();

  constructor(private readonly deps: LineageWalkerDeps) {
    this.#backends = deps.catalog.adapters.map((a) => a.info);
    this.#lookup = new CatalogLookup(deps.catalog, deps.ctx);
  }

  /** The node a lineage id names (see LineageNode.id), or a version reference / "backend/name@version". */
  async start(id: string): Promise<LineageNode> {
    const colon = id.indexOf(":");
    const prefix = colon < 0 ? "" : id.slice(0, colon);
    const rest = id.slice(colon + 1);
    switch (prefix) {
      case "dataset":
        return plain("DATASET", rest);
      case "commit":
        return plain("COMMIT", rest);
      case "run": {
        const slash = rest.indexOf("/");
        if (slash <= 0) throw new InvalidInputError(`"${id}": a run node is run:<backend>/<run id>`, { field: "id" });
        return runNode(rest.slice(0, slash), rest.slice(slash + 1));
      }
      case "deployment": {
        const slash = rest.indexOf("/");
        const d = slash <= 0 ? undefined : await this.deps.store.deployments.getDeployment(rest.slice(slash + 1), rest.slice(0, slash));
        if (d === undefined) throw new NotFoundError(`no deployment ${rest} (deployment:<environment>/<name>)`, { field: "id" });
        const activation = await this.deps.store.deployments.currentActivation(d.id);
        const revision = activation === undefined ? await this.deps.store.deployments.latestRevision(d.id) : await this.deps.store.deployments.getRevision(activation.revisionId);
        return deploymentNode(d, revision, activation !== undefined);
      }
      case "version":
      case "ref":
      default: {
        const text = prefix === "version" || prefix === "ref" ? rest : id;
        const r = await resolveReference(text, this.#backends, this.#lookup);
        if (r.status === "RESOLVED") return versionNode(r.version);
        if (prefix === "ref") return refNode(text, r);
        const ref = parseReference(text, this.#backends);
        if (ref.form === "qualified" || prefix === "version") throw new NotFoundError(r.reason, { field: "id" });
        return refNode(text, r);
      }
    }
  }

  async walk(start: LineageNode, direction: LineageDirection, depth: number, maxNodes = MAX_NODES): Promise<LineageGraph> {
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) {
      throw new InvalidInputError(`depth: must be 1 to ${MAX_DEPTH}, got ${depth}`, { field: "depth" });
    }
    const nodes = new Map<string, LineageNode>([[start.id, { ...start, depth: 0 }]]);
    const edges = new Map<string, LineageEdge>();
    const limits: string[] = [];
    let capped = false;
    for (const dir of direction === "BOTH" ? (["UPSTREAM", "DOWNSTREAM"] as const) : [direction]) {
      let frontier = [start.id];
      const seen = new Set([start.id]);
      for (let level = 1; level <= depth && frontier.length > 0 && !capped; level++) {
        const next: string[] = [];
        for (const id of frontier) {
          const node = nodes.get(id)!;
          for (const step of await this.#neighbours(node, dir)) {
            if (!nodes.has(step.node.id)) {
              if (nodes.size >= maxNodes) {
                capped = true;
                node.hasMore = true;
                continue;
              }
              nodes.set(step.node.id, { ...step.node, depth: level });
            }
            edges.set(`${step.edge.from}|${step.edge.kind}|${step.edge.to}`, step.edge);
            if (!seen.has(step.node.id)) {
              seen.add(step.node.id);
              next.push(step.node.id);
            }
          }
        }
        frontier = next;
      }
      // Nodes the depth limit stopped at: say whether more lies beyond them.
      let beyond = 0;
      for (const id of frontier) {
        const node = nodes.get(id)!;
        if (await this.#hasNeighbours(node, dir)) {
          node.hasMore = true;
          beyond++;
        }
      }
      if (beyond > 0 && !capped) limits.push(`depth limit ${depth} reached ${dir.toLowerCase()}: ${beyond} node(s) have further edges (marked hasMore)`);
    }
    if (capped) limits.push(`node limit ${maxNodes} reached: the graph is cut off (nodes with edges left out are marked hasMore)`);
    const failedBackends = [...this.#failed.values()];
    return { root: start.id, nodes: [...nodes.values()], edges: [...edges.values()], partial: limits.length > 0 || failedBackends.length > 0, limits, failedBackends };
  }

  async #index(): Promise<FleetIndex> {
    const index = await this.deps.index();
    for (const f of index.failedBackends) this.#failed.set(f.backendId, f);
    return index;
  }

  async #resolve(text: string, from: string): Promise<LineageNode> {
    const r = await resolveReference(text, this.#backends, this.#lookup, from);
    if (r.status === "RESOLVED") return versionNode(r.version);
    if (r.status === "UNREACHABLE") for (const id of r.backendIds) this.#failed.set(id, { backendId: id, code: "UNAVAILABLE", message: r.reason });
    return refNode(text.trim(), r);
  }

  async #hasNeighbours(node: LineageNode, dir: "UPSTREAM" | "DOWNSTREAM"): Promise<boolean> {
    if (dir === "UPSTREAM") {
      if (node.kind === "DEPLOYMENT") return (node.deployment?.revision?.components.length ?? 0) > 0;
      const v = node.version;
      const l = v?.lineage;
      if (l !== undefined && Boolean(l.datasetHash || l.codeCommit || l.runId || l.parentModel || l.teacherModel)) return true;
      return v !== undefined && (await this.deps.store.lifecycle.linksTo(v.backendId, v.modelName, v.version)).length > 0;
    }
    return (await this.#neighbours(node, "DOWNSTREAM")).length > 0;
  }

  async #neighbours(node: LineageNode, dir: "UPSTREAM" | "DOWNSTREAM"): Promise<Step[]> {
    return dir === "UPSTREAM" ? this.#upstream(node) : this.#downstream(node);
  }

  async #upstream(node: LineageNode): Promise<Step[]> {
    if (node.kind === "DEPLOYMENT") {
      const revision = node.deployment?.revision;
      if (revision === undefined) return [];
      const out: Step[] = [];
      for (const c of revision.components) {
        let v: ModelVersion | undefined;
        try {
          v = await this.#lookup.find(c.backendId, c.modelName, c.version);
        } catch (err) {
          if (!(isRegistryError(err) && err.code === "NOT_FOUND")) this.#failed.set(c.backendId, failureOf(c.backendId, err));
        }
        const text = versionKey(c);
        const from = v !== undefined ? versionNode(v) : refNode(text, { status: "DANGLING", reason: `the deployment bundles ${text}, which its backend no longer has` });
        out.push({ edge: { from: from.id, to: node.id, kind: "BUNDLED_IN", detail: `${c.role}, weight ${c.weight}${c.shadow ? ", shadow" : ""}, revision ${revision.number}` }, node: from });
      }
      return out;
    }
    const v = node.version;
    if (v === undefined) return [];
    const to = node.id;
    const out: Step[] = [];
    const l = v.lineage;
    if (l.datasetHash) out.push({ edge: { from: `dataset:${l.datasetHash}`, to, kind: "TRAINED_ON" }, node: plain("DATASET", l.datasetHash) });
    if (l.codeCommit) out.push({ edge: { from: `commit:${l.codeCommit}`, to, kind: "BUILT_FROM_COMMIT" }, node: plain("COMMIT", l.codeCommit) });
    if (l.runId) {
      const run = runNode(v.backendId, l.runId, l.runLink);
      out.push({ edge: { from: run.id, to, kind: "PRODUCED_BY" }, node: run });
    }
    for (const [text, kind] of [
      [l.parentModel, "FINE_TUNED_FROM"],
      [l.teacherModel, "DISTILLED_FROM"],
    ] as const) {
      if (!text) continue;
      const from = await this.#resolve(text, v.backendId);
      out.push({ edge: { from: from.id, to, kind, ...(from.kind === "VERSION" && from.version === undefined ? { detail: text } : {}) }, node: from });
    }
    // Cross-registry copies: the version this one was copied from (docs/lifecycle.md#cross-registry-copies).
    for (const link of await this.deps.store.lifecycle.linksTo(v.backendId, v.modelName, v.version)) {
      const from = await this.#copyNode(link.fromBackendId, link.fromModelName, link.fromVersion);
      out.push({ edge: { from: from.id, to, kind: "COPIED_FROM", detail: `copy request ${link.requestId ?? "unknown"}` }, node: from });
    }
    return out;
  }

  /** A version at one end of a copy link, or a dangling node when its backend no longer has it. */
  async #copyNode(backendId: string, modelName: string, version: string): Promise<LineageNode> {
    const text = versionKey({ backendId, modelName, version });
    try {
      const v = await this.#lookup.find(backendId, modelName, version);
      if (v !== undefined) return versionNode(v);
    } catch (err) {
      if (!(isRegistryError(err) && err.code === "NOT_FOUND")) {
        this.#failed.set(backendId, failureOf(backendId, err));
        return refNode(text, { status: "UNREACHABLE", reason: `backend "${backendId}" could not be read`, backendIds: [backendId] });
      }
    }
    return refNode(text, { status: "DANGLING", reason: `${text} was copied, but its backend no longer has it` });
  }

  async #downstream(node: LineageNode): Promise<Step[]> {
    if (node.kind === "DEPLOYMENT") return [];
    const index = await this.#index();
    const from = node.id;
    const versionsOf = (keys: string[] | undefined, kind: LineageEdgeKind): Step[] =>
      (keys ?? []).flatMap((k) => {
        const v = index.versions.get(k);
        return v === undefined ? [] : [{ edge: { from, to: `version:${k}`, kind }, node: versionNode(v) }];
      });
    switch (node.kind) {
      case "DATASET":
        return versionsOf(index.byDataset.get(node.value!), "TRAINED_ON");
      case "COMMIT":
        return versionsOf(index.byCommit.get(node.value!), "BUILT_FROM_COMMIT");
      case "RUN":
        return versionsOf(index.byRun.get(`${node.backendId}/${node.value}`), "PRODUCED_BY");
      case "VERSION": {
        const derived = node.version === undefined ? index.danglingChildren.get(node.value ?? "") : index.children.get(versionKey(node.version));
        const out: Step[] = (derived ?? []).flatMap((d) => {
          const v = index.versions.get(d.child);
          return v === undefined ? [] : [{ edge: { from, to: `version:${d.child}`, kind: d.kind }, node: versionNode(v) }];
        });
        if (node.version !== undefined) {
          const v = node.version;
          for (const link of await this.deps.store.lifecycle.linksFrom(v.backendId, v.modelName, v.version)) {
            const copy = await this.#copyNode(link.backendId, link.modelName, link.version);
            out.push({ edge: { from, to: copy.id, kind: "COPIED_FROM", detail: `copy request ${link.requestId ?? "unknown"}` }, node: copy });
          }
          for (const b of index.bundles.get(versionKey(node.version)) ?? []) {
            const d = deploymentNode(b.deployment, b.revision, b.running);
            out.push({
              edge: { from, to: d.id, kind: "BUNDLED_IN", detail: `${b.component.role}, weight ${b.component.weight}${b.component.shadow ? ", shadow" : ""}, revision ${b.revision.number}${b.running ? "" : " (not running)"}` },
              node: d,
            });
          }
        }
        return out;
      }
    }
  }
}
