/**
 * Bot policies in words: the one-line description the server's registry gives each policy
 * (GET /api/policies), fetched once per page and shared, so a seat list reads
 * "Zero intelligence, constrained: …" instead of `zi-c`.
 */
import { api, type PolicyEntry } from './api.ts';

class PolicyWords {
  #descriptions = $state.raw<ReadonlyMap<string, string>>(new Map());
  #asked = false;

  /** The policy's description, or its name until the list has arrived (or when the server does not know it). */
  describe(name: string): string {
    if (!this.#asked) {
      this.#asked = true;
      api<PolicyEntry[]>('/api/policies').then(
        (list) => (this.#descriptions = new Map(list.map((p) => [p.name, p.description]))),
        () => (this.#asked = false),
      );
    }
    return this.#descriptions.get(name) ?? name;
  }
}

export const policyWords = new PolicyWords();
