/**
 * Mutation input validation with zod: the first problem becomes an INVALID_INPUT error naming the
 * field, which `withUserErrors` turns into a user error (nothing is changed).
 */
import { z } from "zod";
import { InvalidInputError } from "./errors.js";

/** A backend, model or version name as the API takes it. */
export const nameInput = z.string().trim().min(1, "must not be empty").max(256, "must be at most 256 characters");

/** Why a change is asked for: recorded in the trail. */
export const reasonInput = z.string().trim().min(1, "must not be empty (say why)").max(2000, "must be at most 2000 characters");

/** A client's idempotency key: the same key replays the first answer instead of acting twice. */
export const idempotencyKeyInput = z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters").optional().nullable();

export function checkInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join(".") ?? "";
  throw new InvalidInputError(`${field || "input"}: ${issue?.message ?? "invalid"}`, field ? { field } : {});
}
