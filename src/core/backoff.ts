/**
 * The one backoff formula of the gateway and its adapters: cockatiel's exponential backoff
 * (`noJitterGenerator`: initialDelay · 2^n, at most maxDelay), by retry number, so a retry whose
 * count is stored (outbox rows, webhook deliveries) gets its delay without replaying a backoff
 * iterator. Jitter, where a caller wants it, is applied to that delay. Retry policies that run
 * in-process (the per-backend resilience in src/catalog) use cockatiel's `ExponentialBackoff` itself.
 */
import { noJitterGenerator } from "cockatiel";

export interface ExponentialBackoffPolicy {
  /** The delay before the first retry (ms). */
  initialDelay: number;
  /** The longest delay (ms); none when absent. */
  maxDelay?: number;
}

/** The delay before retry `retry` (1: the first repeat): initialDelay · 2^(retry−1), at most maxDelay. */
export function exponentialDelay(retry: number, policy: ExponentialBackoffPolicy): number {
  const [delay] = noJitterGenerator(Math.max(0, retry - 1), {
    generator: noJitterGenerator,
    exponent: 2,
    initialDelay: policy.initialDelay,
    maxDelay: policy.maxDelay ?? Number.POSITIVE_INFINITY,
  });
  return delay;
}

/** `delay` spread evenly over [delay/2, delay) ("half jitter"). */
export function halfJitter(delay: number, random: () => number = Math.random): number {
  return delay / 2 + random() * (delay / 2);
}

/** `delay` spread evenly over ±`fraction` of itself, in whole milliseconds. */
export function proportionalJitter(delay: number, fraction: number, random: () => number = Math.random): number {
  return Math.round(delay * (1 - fraction + 2 * fraction * random()));
}
