/**
 * Validation of what callers append to the audit trail. Bad input throws the core
 * InvalidInputError naming the field, before anything is written.
 */
import { z } from "zod";
import { InvalidInputError } from "../core/errors.js";
import { CanonicalJsonError, canonicalJson } from "../core/canonical-json.js";
import type { AuditEventInput } from "./store.js";

const required = z.string().min(1, "must not be empty");
const optional = z.string().optional();

const auditEventInputSchema = z
  .object({
    actor: required,
    action: required,
    targetType: required,
    target: required,
    backendId: required.optional(),
    modelName: required.optional(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    reason: optional,
    outcome: z.enum(["SUCCESS", "FAILURE"]),
    error: optional,
    requestId: optional,
  })
  .strict();

/** An input checked and with `before`/`after` reduced to their canonical JSON text. */
export interface NormalizedAuditInput extends Omit<AuditEventInput, "before" | "after"> {
  beforeJson?: string;
  afterJson?: string;
}

function jsonText(value: unknown, field: "before" | "after"): string | undefined {
  if (value === undefined) return undefined;
  try {
    return canonicalJson(value);
  } catch (err) {
    if (err instanceof CanonicalJsonError) {
      const where = err.path === "$" ? field : `${field}${err.path.slice(1)}`;
      throw new InvalidInputError(`audit event ${field} cannot be stored as JSON: ${err.problem} at ${where}`, {
        field,
        cause: err,
      });
    }
    throw err;
  }
}

export function normalizeAuditInput(input: AuditEventInput): NormalizedAuditInput {
  const parsed = auditEventInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".");
    const message =
      issue.code === "unrecognized_keys"
        ? `audit event has unknown field(s): ${issue.keys.join(", ")}`
        : `audit event ${field}: ${issue.message}`;
    throw new InvalidInputError(message, field === "" ? {} : { field });
  }
  const { before, after, ...rest } = parsed.data;
  const normalized: NormalizedAuditInput = { ...rest };
  const beforeJson = jsonText(before, "before");
  const afterJson = jsonText(after, "after");
  if (beforeJson !== undefined) normalized.beforeJson = beforeJson;
  if (afterJson !== undefined) normalized.afterJson = afterJson;
  return normalized;
}
