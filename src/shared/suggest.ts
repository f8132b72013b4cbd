/** Returns the candidate closest to `word` by edit distance, ignoring case, when it is close enough to be a typo. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const target = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(target, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  // A third of the word's length (at least 1, at most 3) catches case slips, one or two wrong letters and
  // snake_case spellings of short keys without suggesting unrelated keys.
  const allowed = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/** Levenshtein distance with unit costs, with underscores and hyphens treated as absent. */
export function editDistance(a: string, b: string): number {
  const x = a.replace(/[_-]/g, '');
  const y = b.replace(/[_-]/g, '');
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}
