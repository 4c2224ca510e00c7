/**
 * Git keeps commit times to the second: a test that needs "a commit made after time T" waits until
 * the wall clock is in a later second than T (a condition, at most one second, never a guess of
 * how long a step takes).
 */
export async function untilNextSecond(since: Date | number = Date.now()): Promise<void> {
  const second = Math.floor((typeof since === "number" ? since : since.getTime()) / 1000);
  while (Math.floor(Date.now() / 1000) <= second) await new Promise((resolve) => setTimeout(resolve, 10));
}
