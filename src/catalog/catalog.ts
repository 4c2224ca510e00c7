/**
 * The unified catalog: every configured backend behind one set of reads. Cross-backend listings
 * call the backends in parallel (latency tracks the slowest backend, not the sum) and merge their
 * pages by model name; a failing backend is reported while the others' data comes back.
 */
import {
  InvalidInputError,
  NotFoundError,
  type CallContext,
  type ModelFilter,
  type ModelVersion,
  type RegisteredModel,
  type VersionFilter,
} from "../core/index.js";
import { readMergedPage, type MergedPage } from "./merged-pages.js";
import type { ResilientAdapter } from "./resilient-adapter.js";

export interface ListModelsArgs {
  backend?: string;
  filter?: ModelFilter;
  first: number;
  after?: string;
  asOf?: Date;
}

export interface ListVersionsArgs {
  filter?: VersionFilter;
  first: number;
  after?: string;
  asOf?: Date;
}

export class Catalog {
  private readonly byId: Map<string, ResilientAdapter>;

  constructor(readonly adapters: readonly ResilientAdapter[]) {
    this.byId = new Map(adapters.map((a) => [a.info.id, a]));
  }

  backendIds(): string[] {
    return this.adapters.map((a) => a.info.id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The adapter of a backend; NotFoundError naming the configured ones otherwise. */
  backend(id: string): ResilientAdapter {
    const adapter = this.byId.get(id);
    if (!adapter) {
      throw new NotFoundError(`unknown backend "${id}"; configured backends: ${this.backendIds().join(", ") || "(none)"}`, {
        field: "backend",
      });
    }
    return adapter;
  }

  /**
   * Every model of one backend, page after page (at most about `max`); a backend that cannot be
   * listed throws its error instead of the partial page `listModels` would give.
   */
  async allModels(backendId: string, ctx: CallContext, max = Number.POSITIVE_INFINITY): Promise<RegisteredModel[]> {
    const out: RegisteredModel[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.listModels({ backend: backendId, first: 100, ...(after === undefined ? {} : { after }) }, ctx);
      const failure = page.failures[0];
      if (failure !== undefined) throw failure.error;
      for (const e of page.edges) out.push(e.item);
      if (!page.hasNextPage || out.length >= max) return out;
      after = page.endCursor;
    }
  }

  /** Models of one backend, or of all of them merged by name (then backend id). */
  async listModels(args: ListModelsArgs, ctx: CallContext): Promise<MergedPage<RegisteredModel>> {
    let adapters = args.backend === undefined ? [...this.adapters] : [this.backend(args.backend)];
    if (args.asOf !== undefined) {
      if (args.backend !== undefined && !adapters[0]?.capabilities().asOf) {
        throw new InvalidInputError(`backend "${args.backend}" cannot answer asOf queries: it keeps no history`, { field: "asOf" });
      }
      adapters = adapters.filter((a) => a.capabilities().asOf);
    }
    const read = {
      ...(args.filter === undefined ? {} : { filter: args.filter }),
      ...(args.asOf === undefined ? {} : { asOf: args.asOf }),
    };
    return readMergedPage(
      adapters.map((a) => ({
        id: a.info.id,
        maxPageSize: a.capabilities().maxPageSize,
        fetch: (first: number, after: string | undefined) =>
          a.listModels({ first, ...(after === undefined ? {} : { after }), ...read }, ctx),
      })),
      args.first,
      args.after,
      compareModels,
    );
  }

  /** Versions of one model, in the backend's order, with a cursor on every edge. */
  async listVersions(backendId: string, modelName: string, args: ListVersionsArgs, ctx: CallContext): Promise<MergedPage<ModelVersion>> {
    const adapter = this.backend(backendId);
    const read = {
      ...(args.filter === undefined ? {} : { filter: args.filter }),
      ...(args.asOf === undefined ? {} : { asOf: args.asOf }),
    };
    const page = await readMergedPage(
      [
        {
          id: backendId,
          maxPageSize: adapter.capabilities().maxPageSize,
          fetch: (first: number, after: string | undefined) =>
            adapter.listVersions(modelName, { first, ...(after === undefined ? {} : { after }), ...read }, ctx),
        },
      ],
      args.first,
      args.after,
      () => 0,
    );
    // One source: its failure is the whole answer's failure.
    const failure = page.failures[0];
    if (failure) throw failure.error;
    return page;
  }
}

function compareModels(a: RegisteredModel, b: RegisteredModel): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.backendId < b.backendId ? -1 : a.backendId > b.backendId ? 1 : 0;
}
