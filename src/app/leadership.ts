/**
 * Which gateway process runs the fleet's background work (the outbox drain, drift polling, webhook
 * delivery): exactly one at a time among the replicas sharing a database.
 *
 * - SQLite: one process owns the database, so it always leads (SoleLeadership).
 * - PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a dedicated
 *   connection. PostgreSQL releases it the moment that session ends, so when the leader dies (or
 *   its connection does) another replica's next attempt takes over; every `retryMs` a follower
 *   tries again and the leader checks its connection is still alive. A leader that loses its
 *   connection steps down at once (its work could no longer commit anyway).
 *
 * Two leaders cannot apply the same outbox row or webhook delivery twice even in the gap between a
 * lost connection and the step-down: rows are leased in the database (FOR UPDATE SKIP LOCKED and
 * lease columns). Leadership only keeps the fleet from doing the same work N times.
 */
import type pg from "pg";
import { maskPasswordIn } from "../store/postgres-url.js";
import type { Logger } from "../core/index.js";

export interface Leadership {
  /** Starts campaigning; `onChange` is called with true when this process starts leading, false when it stops. */
  start(onChange: (leading: boolean) => void): void;
  readonly leading: boolean;
  /** Steps down (releasing the lock) and stops campaigning. */
  stop(): Promise<void>;
}

/** The only process on its database: always leads. */
export class SoleLeadership implements Leadership {
  leading = false;
  #onChange: ((leading: boolean) => void) | undefined;

  start(onChange: (leading: boolean) => void): void {
    this.#onChange = onChange;
    this.leading = true;
    onChange(true);
  }

  stop(): Promise<void> {
    if (this.leading) {
      this.leading = false;
      this.#onChange?.(false);
    }
    return Promise.resolve();
  }
}

/** "mgleader" as a number: the background work's advisory lock (distinct from the store's keys in ../store/postgres-locks.ts). */
export const LEADER_LOCK_KEY = 0x6d676c6561646572n;

/** Retry periods a replica that lost its leader connection sits out before it campaigns again. */
export const STEP_DOWN_COOLDOWN = 5;

export interface PostgresLeadershipOptions {
  url: string;
  logger: Pick<Logger, "info" | "warn">;
  /** How often a follower tries to take the lock and the leader checks its connection (default 2000 ms). */
  retryMs?: number;
  /** Identifies this process in logs and in pg_stat_activity (application_name). */
  name?: string;
}

export class PostgresLeadership implements Leadership {
  leading = false;
  readonly #url: string;
  readonly #logger: Pick<Logger, "info" | "warn">;
  readonly #retryMs: number;
  readonly #name: string;
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #busy: Promise<void> | undefined;
  /** No campaigning before this time (set when the leader's connection was lost). */
  #quietUntil = 0;
  #onChange: (leading: boolean) => void = () => undefined;

  constructor(opts: PostgresLeadershipOptions) {
    this.#url = opts.url;
    this.#logger = opts.logger;
    this.#retryMs = opts.retryMs ?? 2_000;
    this.#name = opts.name ?? `modelgate-${process.pid}`;
  }

  start(onChange: (leading: boolean) => void): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#onChange = onChange;
    this.#tick();
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#busy = this.#attempt()
      .catch((err: unknown) => this.#lost(err))
      .finally(() => {
        this.#busy = undefined;
        if (this.#stopped) return;
        this.#timer = setTimeout(() => this.#tick(), this.#retryMs);
        this.#timer.unref();
      });
  }

  async #attempt(): Promise<void> {
    if (Date.now() < this.#quietUntil) return;
    if (this.#client === undefined) {
      // pg is loaded on the first attempt: a gateway on SQLite never campaigns (SoleLeadership).
      const { default: pgClient } = await import("pg");
      const client = new pgClient.Client({ connectionString: this.#url, application_name: `${this.#name} (leader election)` });
      client.on("error", (err) => this.#lost(err));
      client.on("end", () => {
        if (this.#client === client) this.#lost(new Error("the leader-election connection ended"));
      });
      this.#client = client;
      await client.connect();
    }
    const client = this.#client;
    if (this.leading) {
      // Still alive? (A dead session has already released the lock.)
      await client.query("select 1");
      return;
    }
    const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock($1::bigint) as locked", [LEADER_LOCK_KEY.toString()]);
    if (rows[0]?.locked === true && !this.#stopped) {
      this.leading = true;
      this.#logger.info({ name: this.#name }, "this gateway now runs the background work (leader)");
      this.#onChange(true);
    }
  }

  #lost(err: unknown): void {
    const client = this.#client;
    this.#client = undefined;
    client?.removeAllListeners();
    client?.on("error", () => undefined);
    void client?.end().catch(() => undefined);
    const message = maskPasswordIn(err instanceof Error ? err.message : String(err), this.#url);
    if (this.leading) {
      this.leading = false;
      this.#quietUntil = Date.now() + STEP_DOWN_COOLDOWN * this.#retryMs;
      this.#logger.warn({ error: message }, "lost the leader lock's connection: stopping the background work");
      this.#onChange(false);
    } else if (!this.#stopped) {
      this.#logger.warn({ error: message }, "leader election: cannot reach PostgreSQL; retrying");
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#busy;
    const client = this.#client;
    this.#client = undefined;
    const wasLeading = this.leading;
    this.leading = false;
    if (client !== undefined) {
      client.removeAllListeners();
      client.on("error", () => undefined);
      // Closing the session releases the lock; an explicit unlock first makes the hand-over immediate even with a pooler.
      if (wasLeading) await client.query("select pg_advisory_unlock($1::bigint)", [LEADER_LOCK_KEY.toString()]).catch(() => undefined);
      await client.end().catch(() => undefined);
    }
    if (wasLeading) this.#onChange(false);
  }
}
