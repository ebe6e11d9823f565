/** Canonical JSON (RFC 8785) and SHA-256: the one way states and ledger events are hashed. */
import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Hash of a state or any JSON value: equal JSON content, equal hash. */
export function hashOf(value: unknown): string {
  return sha256(canonicalJson(value));
}
