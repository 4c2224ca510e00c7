/** Line alignment for keeping untouched lines of an edited file byte for byte. */

/** Above this many cells of the middle part, only the common head and tail are aligned. */
const MAX_TABLE = 4_000_000;

/**
 * Pairs [i, j] (increasing in both) of equal lines `a[i] === b[j]` forming a longest common
 * subsequence of the two arrays.
 */
export function matchLines(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;

  const matches: Array<[number, number]> = [];
  for (let i = 0; i < head; i++) matches.push([i, i]);

  const n = a.length - head - tail;
  const m = b.length - head - tail;
  if (n > 0 && m > 0 && n * m <= MAX_TABLE) {
    // lengths[i][j] = LCS length of a[head+i..] and b[head+j..], in one flat array.
    const width = m + 1;
    const lengths = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i * width + j] =
          a[head + i] === b[head + j]
            ? lengths[(i + 1) * width + j + 1]! + 1
            : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (a[head + i] === b[head + j]) {
        matches.push([head + i, head + j]);
        i++;
        j++;
      } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
        i++;
      } else {
        j++;
      }
    }
  }

  for (let k = tail; k > 0; k--) matches.push([a.length - k, b.length - k]);
  return matches;
}
