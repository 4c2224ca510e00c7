import { Ctx, Query, Resolver } from "type-graphql";
import { verifyAuditTrail } from "../../audit/verify.js";
import { ensureActive } from "../../core/index.js";
import { requireRole } from "../authz.js";
import type { GatewayContext } from "../context.js";
import { AuditVerification } from "../types/audit-verification.js";

@Resolver()
export class AuditResolver {
  /**
   * Reads the whole trail (100 events a page) within the request's deadline. Viewers may run it:
   * it reveals nothing beyond what `auditEvents` already lets them read.
   */
  @Query(() => AuditVerification, {
    description:
      "Re-verifies the whole audit trail's hash chain (needs the viewer role). Costs a read of every event: " +
      "for monitoring, not for every page view.",
  })
  async auditVerification(@Ctx() ctx: GatewayContext): Promise<AuditVerification> {
    requireRole(ctx, "viewer", "verify the audit trail");
    const result = await verifyAuditTrail(ctx.services.store, { assertActive: () => ensureActive(ctx.call) });
    return {
      ok: result.ok,
      events: result.events,
      headSeq: result.head?.seq ?? null,
      headHash: result.head?.hash ?? null,
      firstBrokenSeq: result.firstBroken?.seq ?? null,
      reason: result.firstBroken?.reason ?? null,
    };
  }
}
