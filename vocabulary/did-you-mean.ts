// "Did you mean …?" for a mistyped CLI verb, option, program id or config key: the closest known word by
// edit distance (Levenshtein: insertions, deletions, substitutions), when it is close enough to be a typo.

/** Edits (insert, delete, substitute one character) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** How many edits still count as a typo of a word this long: 1 for short words, about a third for longer ones. */
export function typoBudget(length: number): number {
  return Math.max(1, Math.floor(length / 3));
}

/**
 * The known word `word` is most likely a typo of, or null when none is close enough. Case is ignored
 * ("baudrate" finds "baudRate"); a tie goes to the word listed first.
 */
export function closestMatch(word: string, known: Iterable<string>): string | null {
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(w, k.toLowerCase());
    if (d < bestDistance && d <= typoBudget(Math.max(w.length, k.length))) {
      best = k;
      bestDistance = d;
    }
  }
  return best === word ? null : best;
}

/** ` (did you mean "x"?)`, or '' when nothing known is close to `word`. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const m = closestMatch(word, known);
  return m === null ? '' : ` (did you mean "${m}"?)`;
}
