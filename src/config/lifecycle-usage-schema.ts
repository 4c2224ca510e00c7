/**
 * `lifecycle:` keys of usage counting, idle alerts and model owners (docs/lifecycle.md#usage-and-idle-alerts;
 * every key in docs/configuration.md).
 */
import { z } from "zod";

/** Resolves counted in memory and flushed to the store in batches. */
export const usageSchema = z
  .object({
    /** Seconds between two flushes of the in-memory resolve counts to the store (and one at shutdown). */
    flushIntervalSeconds: z.number().positive().max(3_600).default(10),
    /** Hourly usage buckets older than this are deleted by the leader (the last-use times are kept). */
    retentionDays: z.number().int().min(2).max(3_650).default(90),
  })
  .strict();

/** IDLE_IN_PRODUCTION: a production version nobody resolved or served for `afterDays`. */
export const idleSchema = z
  .object({
    /** Let the leader check production for idle versions. */
    enabled: z.boolean().default(true),
    /** Days without a resolve or a served report after which a production version is idle. */
    afterDays: z.number().positive().max(3_650).default(30),
    /** Seconds between two checks by the leader. */
    checkIntervalSeconds: z.number().int().min(10).max(86_400).default(900),
    /** Environments checked (default: every environment whose stage is PRODUCTION). */
    environments: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

/** Who owns the models matching a pattern: the addressee of their idle alerts (Model.owner). */
export const ownerRuleSchema = z
  .object({
    /** Model names this rule covers: a glob where `*` matches any run of characters ("support-*"), or "*". */
    models: z.string().min(1).default("*"),
    /** Backend id this rule covers, or "*". */
    backend: z.string().min(1).default("*"),
    /** The owning team. */
    team: z.string().min(1).max(200).optional(),
    /** How to reach them: an e-mail address, a chat channel, a pager service. */
    contact: z.string().min(1).max(500).optional(),
  })
  .strict()
  .refine((r) => r.team !== undefined || r.contact !== undefined, { message: "give team, contact or both" });

export const lifecycleUsageKeys = {
  usage: usageSchema.default(usageSchema.parse({})),
  idle: idleSchema.default(idleSchema.parse({})),
  /** Checked in order; the first rule matching backend and model names the owner (a model's `modelgate.owner` tag wins). */
  owners: z.array(ownerRuleSchema).default([]),
};

export type UsageConfig = z.infer<typeof usageSchema>;
export type IdleConfig = z.infer<typeof idleSchema>;
export type OwnerRuleConfig = z.infer<typeof ownerRuleSchema>;
