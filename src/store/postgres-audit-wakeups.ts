/**
 * Audit wake-ups across processes on one PostgreSQL database. A transaction that appended audit
 * events calls `pg_notify(AUDIT_CHANNEL, '<headSeq>')` before it commits (PostgreSQL delivers it at
 * commit, never for a rollback); each store keeps ONE dedicated connection that LISTENs on the
 * channel and hands the seq to its listeners.
 *
 * The connection is opened on the first listener, reconnects with exponential backoff when it
 * drops, and is closed by `close()`. Notifications sent while it was down are lost, so after a
 * reconnect it reads the chain head and reports that instead: listeners read the trail from the
 * last seq they saw, so one wake-up at the newest head covers every lost one.
 *
 * What a commit appended travels on a second channel, AUDIT_ACTIONS_CHANNEL, sent just before the
 * seq in the same transaction (PostgreSQL delivers one transaction's notifications in the order they
 * were sent): `{"head":7,"first":5,"actions":["usage.report"]}`. A second channel, not a new payload
 * on the first, so that replicas of an older version, which read the first channel's payload as a
 * number, keep working beside newer ones during a rolling upgrade; a wake-up from an older replica
 * simply comes without its actions. A commit whose actions would not fit in a payload (8,000 bytes)
 * sends none.
 */
import pg from "pg";
import { exponentialDelay } from "../core/backoff.js";
import { maskPasswordIn } from "./postgres-url.js";

/** The NOTIFY channel; the payload is the committing transaction's newest seq, in decimal. */
export const AUDIT_CHANNEL = "modelgate_audit";
/** The NOTIFY channel of what a commit appended (auditActionsPayload), sent before AUDIT_CHANNEL's. */
export const AUDIT_ACTIONS_CHANNEL = "modelgate_audit_actions";
/** PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;

/** What one commit appended: its seqs from `firstSeq` to `headSeq`, and their distinct actions. */
export interface AppendedActions {
  firstSeq: number;
  actions: ReadonlySet<string>;
}

/** AUDIT_ACTIONS_CHANNEL's payload for a commit, or undefined when it would not fit in one. */
export function auditActionsPayload(headSeq: number, appended: AppendedActions): string | undefined {
  const payload = JSON.stringify({ head: headSeq, first: appended.firstSeq, actions: [...appended.actions] });
  return Buffer.byteLength(payload) <= MAX_PAYLOAD_BYTES ? payload : undefined;
}

/** Reads an AUDIT_ACTIONS_CHANNEL payload; undefined for anything not well-formed. */
export function parseAuditActions(payload: string): ({ headSeq: number } & AppendedActions) | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const { head, first, actions } = (parsed ?? {}) as { head?: unknown; first?: unknown; actions?: unknown };
  if (!Number.isSafeInteger(head) || !Number.isSafeInteger(first) || (first as number) < 1 || (first as number) > (head as number)) return undefined;
  if (!Array.isArray(actions) || !actions.every((a) => typeof a === "string")) return undefined;
  return { headSeq: head as number, firstSeq: first as number, actions: new Set(actions as string[]) };
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;
// A connection attempt to an unreachable host must fail and be retried, not hang forever.
const CONNECT_TIMEOUT_MS = 10_000;

export interface AuditWakeupsOptions {
  url: string;
  /**
   * Called with each head seq delivered (from any process, this one included), and what the commit
   * appended when its actions arrived just before it (AUDIT_ACTIONS_CHANNEL).
   */
  onWake: (headSeq: number, appended?: AppendedActions) => void;
  /** Called (password masked) when the connection fails; it reconnects by itself. */
  onError: (message: string) => void;
}

export class PostgresAuditWakeups {
  readonly #opts: AuditWakeupsOptions;
  #started = false;
  #closed = false;
  #client: pg.Client | undefined;
  #loop: Promise<void> | undefined;
  /** Wakes the backoff sleep early on close(). */
  #cancelSleep: (() => void) | undefined;
  #ready: Promise<void>;
  #markReady!: () => void;

  constructor(opts: AuditWakeupsOptions) {
    this.#opts = opts;
    this.#ready = this.#newReady();
  }

  #newReady(): Promise<void> {
    return new Promise((resolve) => {
      this.#markReady = resolve;
    });
  }

  /** Opens the LISTEN connection unless it is open or opening already. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#loop = this.#run();
  }

  /** Resolves once the connection LISTENs (after `start()`); notifications committed later reach it. */
  listening(): Promise<void> {
    return this.#ready;
  }

  async #run(): Promise<void> {
    let failures = 0;
    let reconnect = false;
    while (!this.#closed) {
      const client = new pg.Client({ connectionString: this.#opts.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
      const ended = new Promise<void>((resolve) => {
        client.on("error", (err) => {
          this.#report(`the audit LISTEN connection failed: ${err.message}`);
          resolve();
        });
        client.on("end", () => resolve());
      });
      // The actions of the commit whose seq is announced next (the same transaction sent both).
      let told: ({ headSeq: number } & AppendedActions) | undefined;
      client.on("notification", (msg) => {
        if (msg.channel === AUDIT_ACTIONS_CHANNEL) {
          told = parseAuditActions(msg.payload ?? "");
          return;
        }
        if (msg.channel !== AUDIT_CHANNEL) return;
        const seq = Number(msg.payload);
        const appended = told !== undefined && told.headSeq === seq ? { firstSeq: told.firstSeq, actions: told.actions } : undefined;
        told = undefined;
        if (Number.isSafeInteger(seq) && seq > 0) this.#opts.onWake(seq, appended);
      });
      try {
        this.#client = client;
        await client.connect();
        // The actions' channel first: pg_stat_activity then shows the seq's LISTEN as this session's query.
        await client.query(`listen ${AUDIT_ACTIONS_CHANNEL}`);
        await client.query(`listen ${AUDIT_CHANNEL}`);
        if (reconnect) {
          // Wake-ups committed while the connection was down were lost: report the head instead.
          const head = await client.query<{ seq: number | null }>("select max(seq) as seq from audit_events");
          const seq = head.rows[0]?.seq;
          if (typeof seq === "number" && seq > 0) this.#opts.onWake(seq);
        }
        failures = 0;
        this.#markReady();
        await ended;
      } catch (err) {
        this.#report(`cannot LISTEN for audit wake-ups: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.#client = undefined;
        await client.end().catch(() => undefined);
      }
      if (this.#closed) return;
      // Later callers of listening() wait for the next connection.
      this.#ready = this.#newReady();
      reconnect = true;
      failures++;
      const backoff = exponentialDelay(failures, { initialDelay: FIRST_BACKOFF_MS, maxDelay: MAX_BACKOFF_MS });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        timer.unref();
        this.#cancelSleep = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#cancelSleep = undefined;
    }
  }

  #report(message: string): void {
    if (this.#closed) return;
    try {
      this.#opts.onError(maskPasswordIn(message, this.#opts.url));
    } catch {
      // The reporter's failure must not stop the reconnect loop.
    }
  }

  /** Closes the connection and stops reconnecting. Calling it again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelSleep?.();
    await this.#client?.end().catch(() => undefined);
    await this.#loop;
  }
}
