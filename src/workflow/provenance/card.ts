/**
 * Model cards (Mitchell et al., "Model Cards for Model Reporting"): generated from the registry —
 * the version, its lineage, metrics and eval results — plus the human-written sections kept per
 * model and per version in the gateway's store. `data` follows Hugging Face's ModelCardData
 * (`base_model`, `datasets`, `license`, `tags`, `model-index`), with the registry's own facts under
 * `modelgate`; ./card-markdown.ts renders it as a Hugging Face README.md and reads one back.
 */
import type { EvalResult, ModelVersion, RegisteredModel } from "../../core/index.js";
import type { VersionIdentity } from "./identity.js";
import { versionKey } from "./references.js";

/** The human-written sections, in card order. */
export const CARD_SECTIONS = [
  "modelDetails",
  "intendedUse",
  "factors",
  "metrics",
  "evaluationData",
  "trainingData",
  "ethicalConsiderations",
  "caveats",
] as const;
export type CardSection = (typeof CARD_SECTIONS)[number];

/** Section headings, as the markdown shows them. */
export const SECTION_TITLES: Readonly<Record<CardSection, string>> = {
  modelDetails: "Model details",
  intendedUse: "Intended use",
  factors: "Factors",
  metrics: "Metrics",
  evaluationData: "Evaluation data",
  trainingData: "Training data",
  ethicalConsiderations: "Ethical considerations",
  caveats: "Caveats and recommendations",
};

/** Human-written text per section, plus `license` (an SPDX id or "other"), which goes to the card data. */
export type HumanSections = Partial<Record<CardSection | "license", string>>;

export interface CardInputs {
  version: ModelVersion;
  model?: RegisteredModel;
  /** The model's sections overlaid with the version's own. */
  sections: HumanSections;
  evals: EvalResult[];
  identity?: VersionIdentity;
  /** backend id -> kind, for the tags. */
  backendKind?: string;
}

export interface ModelCard {
  /** Hugging Face ModelCardData (YAML front matter of README.md). */
  data: Record<string, unknown>;
  /** Generated text per section (facts from the registry), before the human-written part. */
  generated: Record<CardSection, string[]>;
  sections: HumanSections;
  /** What the card lacks: sections nobody wrote and facts the registry does not have. */
  missing: string[];
  title: string;
  description?: string;
}

/** Human sections of a version: the model's, each overridden by the version's own when written. */
export function overlaySections(model: HumanSections | undefined, version: HumanSections | undefined): HumanSections {
  const out: HumanSections = {};
  for (const [k, v] of Object.entries({ ...model, ...version })) if (typeof v === "string" && v.trim() !== "") out[k as keyof HumanSections] = v;
  return out;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6))));

export function buildCard(i: CardInputs): ModelCard {
  const v = i.version;
  const l = v.lineage;
  const key = versionKey(v);
  const gen = v.generationConfig;

  const results: Record<string, unknown>[] = [];
  const metricKeys = Object.keys(v.metrics).sort();
  if (metricKeys.length > 0) {
    results.push({
      task: { type: v.tags.task ?? v.tags.pipeline_tag ?? "other" },
      dataset: { name: l.datasetHash ?? "unspecified", type: l.datasetHash ?? "unspecified" },
      metrics: metricKeys.map((m) => ({ type: m, value: v.metrics[m]!, name: m })),
    });
  }
  for (const e of i.evals) {
    results.push({
      task: { type: v.tags.task ?? v.tags.pipeline_tag ?? "other" },
      dataset: { name: e.suite, type: e.suite },
      metrics: [{ type: "score", value: e.score, name: e.suite }],
    });
  }
  const tagSet = new Set<string>(["modelgate"]);
  if (i.backendKind !== undefined) tagSet.add(i.backendKind);
  if (gen !== undefined) tagSet.add("llm");
  for (const [k, val] of Object.entries({ ...i.model?.tags, ...v.tags })) tagSet.add(`${k}:${val}`);
  const license = i.sections.license ?? v.tags.license ?? i.model?.tags.license;
  const baseModel = l.parentModel ?? gen?.model;
  const data: Record<string, unknown> = {
    ...(license === undefined ? {} : { license }),
    ...(baseModel === undefined ? {} : { base_model: baseModel }),
    ...(l.datasetHash === undefined ? {} : { datasets: [l.datasetHash] }),
    tags: [...tagSet].sort(),
    ...(results.length === 0 ? {} : { "model-index": [{ name: v.modelName, results }] }),
    modelgate: {
      registry_version: key,
      backend: v.backendId,
      model: v.modelName,
      version: v.version,
      stage: v.stage,
      ...(v.artifactUri === undefined ? {} : { artifact_uri: v.artifactUri }),
      ...(i.identity === undefined ? {} : { identity: i.identity.identity, identity_complete: i.identity.complete }),
      lineage: Object.fromEntries(Object.entries(l).filter(([, val]) => val !== undefined && val !== "")),
      ...(gen === undefined ? {} : { generation: { model: gen.model, ...(gen.promptRef === undefined ? {} : { prompt: gen.promptRef }), ...(gen.toolsRef === undefined ? {} : { tools: gen.toolsRef }) } }),
      ...(v.createdAt === undefined ? {} : { created_at: v.createdAt.toISOString() }),
    },
  };

  const details = [
    `- **Registry version:** \`${key}\``,
    `- **Stage:** ${v.stage}${v.aliases.length > 0 ? ` (aliases: ${v.aliases.join(", ")})` : ""}`,
    ...(v.artifactUri === undefined ? [] : [`- **Artifact:** \`${v.artifactUri}\``]),
    ...(gen === undefined ? [] : [`- **Model:** \`${gen.model}\`${gen.promptRef === undefined ? "" : `, prompt \`${gen.promptRef}\``}${gen.toolsRef === undefined ? "" : `, tools \`${gen.toolsRef}\``}`]),
    ...(l.parentModel === undefined ? [] : [`- **Fine-tuned from:** \`${l.parentModel}\``]),
    ...(l.teacherModel === undefined ? [] : [`- **Distilled from:** \`${l.teacherModel}\``]),
    ...(v.createdAt === undefined ? [] : [`- **Created:** ${v.createdAt.toISOString()}${v.createdBy === undefined ? "" : ` by ${v.createdBy}`}`]),
    ...(i.identity === undefined ? [] : [`- **Identity:** \`${i.identity.identity}\`${i.identity.complete ? "" : ` (incomplete: missing ${i.identity.missing.join(", ")})`}`]),
  ];
  const metricsText = metricKeys.length === 0 ? [] : ["| Metric | Value |", "| --- | --- |", ...metricKeys.map((m) => `| ${m} | ${fmt(v.metrics[m]!)} |`)];
  const evalText = i.evals.map((e) => `- **${e.suite}:** ${fmt(e.score)}${e.run === undefined ? "" : ` (run ${e.run})`}`);
  const training = [
    ...(l.datasetHash === undefined ? [] : [`- **Dataset:** \`${l.datasetHash}\``]),
    ...(l.codeCommit === undefined ? [] : [`- **Code commit:** \`${l.codeCommit}\``]),
    ...(l.runId === undefined ? [] : [`- **Training run:** ${l.runLink === undefined ? `\`${l.runId}\`` : `[${l.runId}](${l.runLink})`}`]),
    ...(Object.keys(v.params).length === 0 ? [] : [`- **Parameters:** ${Object.keys(v.params).sort().map((k) => `\`${k}\`=\`${JSON.stringify(v.params[k])}\``).join(", ")}`]),
  ];
  const generated: Record<CardSection, string[]> = {
    modelDetails: details,
    intendedUse: [],
    factors: [],
    metrics: metricsText,
    evaluationData: evalText,
    trainingData: training,
    ethicalConsiderations: [],
    caveats: [],
  };
  const s = i.sections;
  const missing: string[] = [];
  if (license === undefined) missing.push("license");
  for (const section of CARD_SECTIONS) {
    if (section === "modelDetails") continue;
    if (generated[section].length === 0 && s[section] === undefined) missing.push(section);
  }
  if (l.datasetHash === undefined && gen === undefined) missing.push("datasets");
  return {
    data,
    generated,
    sections: s,
    missing,
    title: `${v.modelName} ${v.version}`,
    ...(v.description ?? i.model?.description ? { description: (v.description ?? i.model?.description)! } : {}),
  };
}
