import { FieldResolver, ID, Resolver, Root } from "type-graphql";
import type { AuditEvent } from "../../store/store.js";
import { toGlobalId } from "../global-id.js";
import { AuditEventType } from "../types/audit-event.js";

@Resolver(() => AuditEventType)
export class AuditEventResolver {
  @FieldResolver(() => ID)
  id(@Root() root: AuditEvent): string {
    return toGlobalId("AuditEvent", root.id);
  }
}
