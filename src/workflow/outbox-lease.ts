/**
 * The lease an outbox worker holds on the row it applies, and how long a backend call may take
 * under it.
 *
 * The store sets and checks leases against the database's clock; the worker must not trust its own
 * wall clock to know when its lease ends (the two may disagree). It does not need to: it notes its
 * monotonic time just before each renewal is sent. The database computes the new end after it
 * receives the renewal, so the lease lasts at least until that noted moment plus the lease length,
 * whatever the clocks say (only their rates are assumed equal). A backend call started under the
 * lease gets a deadline `margin` before that conservative end; the margin is left for a request
 * already on the wire when its deadline fires, which the backend may still be processing.
 */
import { OutboxLeaseLostError, type OutboxLease } from "../store/workflow-store.js";
import type { Store } from "../store/store.js";

export class HeldLease {
  /** performance.now() at which the lease ends at the earliest. */
  #endsAt: number;

  /** `requestedAt`: performance.now() just before the transaction that took the lease began. */
  constructor(
    private readonly store: Store,
    readonly lease: OutboxLease,
    private readonly leaseMs: number,
    private readonly marginMs: number,
    requestedAt: number,
  ) {
    this.#endsAt = requestedAt + leaseMs;
  }

  /**
   * Renews the lease (OutboxLeaseLostError when it is not held any more) and returns how long a
   * backend call started right after may last: until `margin` before the renewed lease ends.
   */
  async renewForCall(): Promise<number> {
    const requestedAt = performance.now();
    await this.store.workflow.renewOutboxLease(this.lease, this.leaseMs);
    this.#endsAt = requestedAt + this.leaseMs;
    const budget = this.callBudgetMs();
    if (budget <= 0) {
      // Renewing took longer than the lease minus its margin (a store that stalled): the row is
      // still ours on paper, but not for long enough to start a call. Let it expire.
      throw new OutboxLeaseLostError(this.lease, `renewing took too long to leave time for a backend call before the ${this.marginMs} ms margin`);
    }
    return budget;
  }

  /** Time left before the margin of the lease as last renewed (negative: past it). */
  callBudgetMs(): number {
    return this.#endsAt - this.marginMs - performance.now();
  }
}
