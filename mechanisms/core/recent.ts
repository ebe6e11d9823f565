/**
 * What a repeated mechanism keeps of its closed rounds for views: the last `recall` of them
 * (the record holds every one), so that a view costs the same in round 10 and round 10 million.
 */
export function keepRecent<T>(recent: readonly T[], closed: T, recall: number): readonly T[] {
  return recall === 0 ? [] : [...recent.slice(Math.max(0, recent.length - recall + 1)), closed];
}
