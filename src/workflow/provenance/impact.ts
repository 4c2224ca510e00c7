/**
 * Impact: everything derived from a dataset or a version — every version downstream of it (trained
 * on it, fine-tuned or distilled from it, transitively) and every deployment that bundles one —
 * grouped per environment. The recall question: "which production systems used this dataset?"
 */
import type { ModelVersion, Stage } from "../../core/index.js";
import type { DeploymentRecord, DeploymentRevisionRecord } from "../../store/deployment-store.js";
import type { BackendFailure } from "./fleet-index.js";
import { MAX_DEPTH, type LineageEdgeKind, type LineageGraph, type LineageNode } from "./lineage-graph.js";
import { versionKey } from "./references.js";

export interface ImpactedVersion {
  version: ModelVersion;
  /** Edges from the start to it. */
  depth: number;
  /** The edge kinds from the start to it, in order (e.g. TRAINED_ON, FINE_TUNED_FROM). */
  path: LineageEdgeKind[];
}

export interface ImpactedDeployment {
  deployment: DeploymentRecord;
  revision: DeploymentRevisionRecord;
  /** The revision runs in its environment now. */
  running: boolean;
  /** The impacted versions it bundles ("backend/name@version"). */
  versions: string[];
}

export interface EnvironmentImpact {
  environment: string;
  stage: Stage;
  /** Running deployments there that bundle an impacted version. */
  deployments: ImpactedDeployment[];
  /** Impacted versions in the environment's stage (what applications resolving by environment get). */
  versions: ImpactedVersion[];
}

export interface Impact {
  root: string;
  versions: ImpactedVersion[];
  deployments: ImpactedDeployment[];
  environments: EnvironmentImpact[];
  partial: boolean;
  limits: string[];
  failedBackends: BackendFailure[];
}

export { MAX_DEPTH as IMPACT_DEPTH };

/** Impact from a downstream lineage walk (depth MAX_DEPTH) starting at the dataset or version. */
export function impactOf(graph: LineageGraph, environments: Readonly<Record<string, { stage: Stage }>>): Impact {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, { from: string; kind: LineageEdgeKind }[]>();
  for (const e of graph.edges) {
    const list = incoming.get(e.to) ?? [];
    list.push({ from: e.from, kind: e.kind });
    incoming.set(e.to, list);
  }
  // Shortest path from the root to each node (the walk was breadth first: depth is the distance).
  const pathTo = (node: LineageNode): LineageEdgeKind[] => {
    const path: LineageEdgeKind[] = [];
    let at = node;
    for (let guard = 0; at.id !== graph.root && guard <= MAX_DEPTH; guard++) {
      const back = (incoming.get(at.id) ?? []).map((i) => ({ ...i, node: nodes.get(i.from) })).filter((i) => i.node !== undefined && i.node.depth === at.depth - 1)[0];
      if (back === undefined) break;
      path.unshift(back.kind);
      at = back.node!;
    }
    return path;
  };
  const versions: ImpactedVersion[] = graph.nodes
    .filter((n) => n.kind === "VERSION" && n.version !== undefined && n.id !== graph.root)
    .map((n) => ({ version: n.version!, depth: n.depth, path: pathTo(n) }))
    .sort((a, b) => a.depth - b.depth || versionKey(a.version).localeCompare(versionKey(b.version)));
  const impactedKeys = new Set(versions.map((v) => `version:${versionKey(v.version)}`));
  const root = nodes.get(graph.root);
  if (root?.version !== undefined) impactedKeys.add(graph.root);
  const deployments: ImpactedDeployment[] = graph.nodes
    .filter((n) => n.kind === "DEPLOYMENT" && n.deployment?.revision !== undefined)
    .map((n) => ({
      deployment: n.deployment!.record,
      revision: n.deployment!.revision!,
      running: n.deployment!.running,
      versions: (incoming.get(n.id) ?? []).filter((i) => i.kind === "BUNDLED_IN" && impactedKeys.has(i.from)).map((i) => i.from.slice("version:".length)),
    }))
    .sort((a, b) => a.deployment.environment.localeCompare(b.deployment.environment) || a.deployment.name.localeCompare(b.deployment.name));
  const all = root?.version !== undefined ? [{ version: root.version, depth: 0, path: [] as LineageEdgeKind[] }, ...versions] : versions;
  const byEnvironment: EnvironmentImpact[] = Object.entries(environments)
    .map(([environment, { stage }]) => ({
      environment,
      stage,
      deployments: deployments.filter((d) => d.running && d.deployment.environment === environment),
      versions: all.filter((v) => v.version.stage === stage),
    }))
    .filter((e) => e.deployments.length > 0 || e.versions.length > 0);
  return {
    root: graph.root,
    versions,
    deployments,
    environments: byEnvironment,
    partial: graph.partial,
    limits: graph.limits,
    failedBackends: graph.failedBackends,
  };
}
