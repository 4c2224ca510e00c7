/**
 * Provenance over the catalog and the store: version identity and duplicates, changes between
 * versions, the lineage graph across backends, impact queries, model cards (generated, with
 * human-written sections kept in the store, audited, and mirrored to backends) and signatures.
 * docs/provenance.md describes it for users.
 */
import {
  InvalidInputError,
  isRegistryError,
  type CallContext,
  type EvalResult,
  type ModelVersion,
} from "../../core/index.js";
import type { ModelgateConfig } from "../../config/schema.js";
import type { Catalog } from "../../catalog/catalog.js";
import type { CardRecord } from "../../store/card-store.js";
import type { Store } from "../../store/store.js";
import { readEvalEvidence } from "../evidence.js";
import { buildCard, CARD_SECTIONS, overlaySections, type HumanSections, type ModelCard } from "./card.js";
import { compareVersions, previousVersion, type VersionChanges } from "./changes.js";
import { allVersions, FleetIndex } from "./fleet-index.js";
import { computeIdentity, versionContent, type VersionContent, type VersionIdentity } from "./identity.js";
import { impactOf, type Impact } from "./impact.js";
import { LineageWalker, MAX_DEPTH, type LineageDirection, type LineageGraph } from "./lineage-graph.js";
import { versionKey } from "./references.js";
import type { SignatureStatus, VersionSignatures } from "./signing/version-signatures.js";

/** Longest text one card section may hold. */
export const MAX_SECTION_CHARS = 20_000;
const EDITABLE = [...CARD_SECTIONS, "license"] as const;
export type EditableSection = (typeof EDITABLE)[number];

export interface CardUpdateInput {
  backend: string;
  model: string;
  /** Absent: the model's own sections (shown on every version that does not override them). */
  version?: string;
  /** A section set to "" is cleared; sections left out keep their text. */
  sections: Partial<Record<EditableSection, string>>;
  reason?: string;
}

export type MirrorStatus = "MIRRORED" | "UNSUPPORTED" | "FAILED";

export interface CardUpdateResult {
  /** The stored sections of the scope written (model or version). */
  sections: HumanSections;
  changed: boolean;
  mirror: { backendId: string; status: MirrorStatus; message: string };
}

/** What one API request computes once: the fleet index, prompt and tool contents, identities. */
export class ProvenanceSession {
  #index: Promise<FleetIndex> | undefined;
  readonly content = new Map<string, Promise<VersionContent>>();
  readonly versionsOf = new Map<string, Promise<ModelVersion[]>>();

  index(build: () => Promise<FleetIndex>): Promise<FleetIndex> {
    this.#index ??= build();
    return this.#index;
  }
}

export class ProvenanceService {
  constructor(
    private readonly config: ModelgateConfig,
    private readonly catalog: Catalog,
    private readonly store: Store,
    readonly signatures: VersionSignatures | undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  session(): ProvenanceSession {
    return new ProvenanceSession();
  }

  #content(version: ModelVersion, ctx: CallContext, s: ProvenanceSession): Promise<VersionContent> {
    const key = versionKey(version);
    let hit = s.content.get(key);
    if (hit === undefined) {
      hit = versionContent(this.catalog, version, ctx);
      s.content.set(key, hit);
    }
    return hit;
  }

  #versionsOf(backendId: string, modelName: string, ctx: CallContext, s: ProvenanceSession): Promise<ModelVersion[]> {
    const key = `${backendId}/${modelName}`;
    let hit = s.versionsOf.get(key);
    if (hit === undefined) {
      hit = allVersions(this.catalog, backendId, modelName, ctx);
      s.versionsOf.set(key, hit);
    }
    return hit;
  }

  async identity(version: ModelVersion, ctx: CallContext, s = this.session()): Promise<VersionIdentity> {
    return computeIdentity(version, await this.#content(version, ctx, s));
  }

  /** Other versions of the same model with the same complete identity (an incomplete identity proves nothing). */
  async duplicates(version: ModelVersion, ctx: CallContext, s = this.session()): Promise<ModelVersion[]> {
    const own = await this.identity(version, ctx, s);
    if (!own.complete) return [];
    const others = (await this.#versionsOf(version.backendId, version.modelName, ctx, s)).filter((v) => v.version !== version.version);
    const out: ModelVersion[] = [];
    for (const v of others) {
      const id = await this.identity(v, ctx, s);
      if (id.complete && id.identity === own.identity) out.push(v);
    }
    return out;
  }

  /** What changed from `from` (default: the version before) to `to`; null when there is no earlier version. */
  async changes(to: ModelVersion, from: string | undefined, ctx: CallContext, s = this.session()): Promise<VersionChanges | null> {
    let base: ModelVersion | undefined;
    if (from !== undefined) {
      base = await this.catalog.backend(to.backendId).getVersion(to.modelName, from, ctx);
    } else {
      base = previousVersion(await this.#versionsOf(to.backendId, to.modelName, ctx, s), to);
      if (base === undefined) return null;
    }
    const [a, b] = await Promise.all([this.#content(base, ctx, s), this.#content(to, ctx, s)]);
    return compareVersions(base, to, a, b);
  }

  #walker(ctx: CallContext, s: ProvenanceSession): LineageWalker {
    return new LineageWalker({ catalog: this.catalog, store: this.store, ctx, index: () => s.index(() => FleetIndex.build(this.catalog, this.store, ctx)) });
  }

  async lineage(id: string, direction: LineageDirection, depth: number, ctx: CallContext, s = this.session()): Promise<LineageGraph> {
    const walker = this.#walker(ctx, s);
    return walker.walk(await walker.start(id), direction, depth);
  }

  /** Everything derived from a dataset ("sha256:…" or any dataset hash) or a version (a reference or lineage id). */
  async impact(of: { dataset?: string; version?: string }, ctx: CallContext, s = this.session()): Promise<Impact> {
    if ((of.dataset === undefined) === (of.version === undefined)) {
      throw new InvalidInputError("give exactly one of dataset and version", { field: of.dataset === undefined ? "dataset" : "version" });
    }
    const walker = this.#walker(ctx, s);
    const start = of.dataset !== undefined ? await walker.start(`dataset:${of.dataset.trim()}`) : await walker.start(of.version!);
    return impactOf(await walker.walk(start, "DOWNSTREAM", MAX_DEPTH), this.config.environments);
  }

  async signature(version: ModelVersion, ctx: CallContext): Promise<SignatureStatus> {
    if (this.signatures === undefined || !this.signatures.configured) {
      return {
        verified: false,
        ...(version.artifactUri === undefined ? {} : { artifactUri: version.artifactUri }),
        verifiedAt: this.clock(),
        failure: { code: "SIGNER_NOT_TRUSTED", message: "no signing keys or identities are configured (signing in modelgate.yaml): nothing can be trusted", files: [] },
      };
    }
    return this.signatures.verify(version, { signal: ctx.signal });
  }

  async cardSections(backendId: string, modelName: string, version?: string): Promise<{ model?: CardRecord; version?: CardRecord }> {
    const [model, own] = await Promise.all([
      this.store.cards.getCard(backendId, modelName, ""),
      version === undefined ? Promise.resolve(undefined) : this.store.cards.getCard(backendId, modelName, version),
    ]);
    return { ...(model === undefined ? {} : { model }), ...(own === undefined ? {} : { version: own }) };
  }

  async card(version: ModelVersion, ctx: CallContext, s = this.session()): Promise<ModelCard> {
    const adapter = this.catalog.backend(version.backendId);
    const [stored, model, evals, identity] = await Promise.all([
      this.cardSections(version.backendId, version.modelName, version.version),
      adapter.getModel(version.modelName, ctx).catch((err: unknown) => (isRegistryError(err) && err.code === "NOT_FOUND" ? undefined : Promise.reject(err))),
      this.#evals(version, ctx),
      this.identity(version, ctx, s),
    ]);
    return buildCard({
      version,
      ...(model === undefined ? {} : { model }),
      sections: overlaySections(stored.model?.sections, stored.version?.sections),
      evals,
      identity,
      backendKind: adapter.info.kind,
    });
  }

  /** Recorded eval results and the backend's, newest first, one per suite. */
  async #evals(version: ModelVersion, ctx: CallContext): Promise<EvalResult[]> {
    const all = await readEvalEvidence(this.store, this.catalog, version, ctx, version);
    const seen = new Set<string>();
    const out: EvalResult[] = [];
    for (const e of all) {
      if (seen.has(e.suite)) continue;
      seen.add(e.suite);
      out.push({ suite: e.suite, score: e.score, ...(e.run === null ? {} : { run: e.run }), ...(e.artifactUri === null ? {} : { artifactUri: e.artifactUri }) });
    }
    return out;
  }

  async updateCard(input: CardUpdateInput, ctx: CallContext): Promise<CardUpdateResult> {
    for (const [key, text] of Object.entries(input.sections)) {
      if (!(EDITABLE as readonly string[]).includes(key)) throw new InvalidInputError(`sections.${key}: not a card section (${EDITABLE.join(", ")})`, { field: `sections.${key}` });
      if (typeof text !== "string") throw new InvalidInputError(`sections.${key}: must be text`, { field: `sections.${key}` });
      if (text.length > MAX_SECTION_CHARS) throw new InvalidInputError(`sections.${key}: at most ${MAX_SECTION_CHARS} characters, got ${text.length}`, { field: `sections.${key}` });
      if (/<!-- \/?modelgate:section/.test(text)) throw new InvalidInputError(`sections.${key}: must not contain the card's own section markers (<!-- modelgate:section ...)`, { field: `sections.${key}` });
      if (key === "license" && /\s/.test(text.trim())) throw new InvalidInputError(`sections.license: an SPDX license id (e.g. apache-2.0, mit) or "other", without spaces`, { field: "sections.license" });
    }
    const adapter = this.catalog.backend(input.backend);
    if (input.version === undefined) await adapter.getModel(input.model, ctx);
    else await adapter.getVersion(input.model, input.version, ctx);
    const scope = input.version ?? "";
    const target = `${input.backend}/${input.model}${input.version === undefined ? "" : `@${input.version}`}`;
    const now = this.clock();
    const { sections, changed } = await this.store.transaction(async (tx) => {
      const before = (await tx.cards.getCard(input.backend, input.model, scope))?.sections ?? {};
      const next: Record<string, string> = { ...before };
      for (const [key, text] of Object.entries(input.sections)) {
        const t = (text ?? "").trim();
        if (t === "") delete next[key];
        else next[key] = t;
      }
      if (JSON.stringify(Object.entries(next).sort()) === JSON.stringify(Object.entries(before).sort())) return { sections: next, changed: false };
      const event = await tx.appendAudit({
        actor: ctx.actor.id,
        ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
        action: "model_card.update",
        targetType: "model_card",
        target,
        backendId: input.backend,
        modelName: input.model,
        before: { sections: before },
        after: { sections: next },
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        outcome: "SUCCESS",
      });
      await tx.cards.putCard({ backendId: input.backend, modelName: input.model, version: scope, sections: next, updatedBy: ctx.actor.id, updatedAt: now, auditEventId: event.id });
      return { sections: next, changed: true };
    });
    const mirror = await this.#mirror(input, sections, target, ctx);
    return { sections, changed, mirror };
  }

  async #mirror(input: CardUpdateInput, sections: HumanSections, target: string, ctx: CallContext): Promise<CardUpdateResult["mirror"]> {
    const adapter = this.catalog.backend(input.backend);
    if (adapter.setModelCard === undefined) {
      return { backendId: input.backend, status: "UNSUPPORTED", message: `${adapter.info.kind} backends have no place for model card text: the gateway's store keeps it (docs/provenance.md#model-cards)` };
    }
    try {
      await adapter.setModelCard(input.model, input.version, sections as Record<string, string>, ctx, input.reason === undefined ? {} : { reason: input.reason });
      return { backendId: input.backend, status: "MIRRORED", message: `written to ${input.backend}` };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.store.appendAudit({
        actor: ctx.actor.id,
        ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
        action: "model_card.mirror",
        targetType: "model_card",
        target,
        backendId: input.backend,
        modelName: input.model,
        after: { sections },
        outcome: "FAILURE",
        error: message,
      });
      return { backendId: input.backend, status: "FAILED", message: `the card is saved, but ${input.backend} did not take it: ${message}` };
    }
  }
}

