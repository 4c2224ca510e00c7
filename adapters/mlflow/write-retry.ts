/**
 * Writes to MLflow, retried when MLflow failed transiently or the connection broke (UNAVAILABLE),
 * never blindly: MLflow has no idempotency keys, so before every repeat `confirm` reads whether the
 * earlier attempt took effect after all (a create whose answer was lost). Writes that are idempotent
 * by nature (alias set, tag set) confirm nothing and are simply repeated.
 */
import { UnavailableError, callEnded, deadlineError, exponentialDelay, halfJitter, isRegistryError, remainingMs, type CallContext } from "../../src/core/index.js";
import { isRetryableWriteFailure } from "./errors.js";

export interface WriteRetryPolicy {
  /** Attempts of the write, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubled after each, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_WRITE_RETRY: WriteRetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

export interface RetriedWrite<T> {
  /** What is written, for messages: `create version of model "x"`. */
  what: string;
  write: () => Promise<T>;
  /** The result when an earlier attempt did take effect, undefined when it did not. */
  confirm?: () => Promise<T | undefined>;
}

export async function retryWrite<T>(
  op: RetriedWrite<T>,
  ctx: CallContext,
  backend: string,
  policy: WriteRetryPolicy = DEFAULT_WRITE_RETRY,
): Promise<T> {
  let last: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) {
      await pause(backoff(attempt - 1, policy), ctx, backend, op.what, last);
      if (op.confirm) {
        try {
          const done = await op.confirm();
          if (done !== undefined) return done;
        } catch (err) {
          if (!isRetryableWriteFailure(err)) throw err;
          // Still cannot tell whether the earlier attempt landed: ask again before writing again.
          last = err;
          continue;
        }
      }
    }
    try {
      return await op.write();
    } catch (err) {
      if (!isRetryableWriteFailure(err)) throw maybeApplied(err, attempt, op.what);
      last = err;
    }
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new UnavailableError(`${op.what} failed after ${policy.attempts} attempts; last failure: ${reason}`, { backend });
}

function backoff(retry: number, policy: WriteRetryPolicy): number {
  return halfJitter(exponentialDelay(retry, { initialDelay: policy.baseDelayMs, maxDelay: policy.maxDelayMs }));
}

async function pause(ms: number, ctx: CallContext, backend: string, what: string, last: unknown): Promise<void> {
  if (remainingMs(ctx) <= ms || callEnded(ctx)) throw unsettled(ctx, backend, what, last);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", done);
      resolve();
    }
    ctx.signal.addEventListener("abort", done, { once: true });
  });
  if (callEnded(ctx)) throw unsettled(ctx, backend, what, last);
}

/** Out of time between attempts: say that the earlier attempt may have been applied. */
function unsettled(ctx: CallContext, backend: string, what: string, last: unknown): Error {
  const err = deadlineError(ctx, backend, what);
  const reason = last instanceof Error ? last.message : String(last);
  err.message = `${err.message} while retrying after: ${reason}; the earlier attempt may have been applied`;
  return err;
}

/** A deadline that passes after a retry may have left an earlier attempt applied: say so. */
function maybeApplied(err: unknown, attempt: number, what: string): unknown {
  if (attempt > 1 && isRegistryError(err) && err.code === "DEADLINE_EXCEEDED") {
    err.message = `${err.message} (retrying ${what}; an earlier attempt may have been applied)`;
  }
  return err;
}
