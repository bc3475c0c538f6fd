/** Levenshtein distance between two short words (names, ids): the "did you mean" measure. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidates close to a mistyped `word` (case ignored), nearest first: within an edit per three letters.
 * @example closestNames('timout', ['timeout', 'retries']) // ['timeout']
 */
export function closestNames(word: string, candidates: Iterable<string>, max = 3): string[] {
  const needle = word.toLowerCase();
  // A third of the word: `htp` -> http, `timout` -> timeout, but `nope` is not `name`.
  const limit = Math.max(1, Math.floor(needle.length / 3));
  return [...new Set(candidates)]
    .map((name) => ({ name, d: editDistance(needle, name.toLowerCase()) }))
    .filter((m) => m.d > 0 && m.d <= limit)
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((m) => m.name);
}

/** ` did you mean "timeout"?` (with its leading space), or '' when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const close = closestNames(word, candidates, 1);
  return close.length > 0 ? ` did you mean "${close[0]}"?` : '';
}
