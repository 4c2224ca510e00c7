/** The whole audit trail of a store, oldest first, for assertions and bench checks. */
import type { AuditEvent, Store } from "../../src/store/store.js";

export async function everyAuditEvent(store: Pick<Store, "listAudit">): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.listAudit({ first: 100, order: "asc", ...(after === undefined ? {} : { after }) });
    events.push(...page.items);
    if (page.nextCursor === undefined) return events;
    after = page.nextCursor;
  }
}
