import { describe, expect, it } from 'vitest';
import { TokenSigner } from './tokens.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('TokenSigner', () => {
  const signer = new TokenSigner('a-secret-of-sufficient-length');

  it('round-trips the claims of a token it signed', () => {
    const claims = signer.verify(signer.sign({ session: 's123abc', seat: 'p3', role: 'player' }));
    expect(claims).toMatchObject({ session: 's123abc', seat: 'p3', role: 'player' });
  });

  it('rejects tampered, foreign, expired and malformed tokens', () => {
    const token = signer.sign({ session: 's123abc', seat: 'p3', role: 'player' });
    const [body, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ session: 's123abc', seat: 'p0', role: 'experimenter', exp: 9e9 })).toString('base64url');
    expect(signer.verify(`${forged}.${mac}`)).toBeNull();
    expect(signer.verify(`${body}.${mac.slice(0, -2)}xx`)).toBeNull();
    expect(new TokenSigner('another-secret-entirely-here').verify(token)).toBeNull();
    expect(signer.verify(signer.sign({ session: 's123abc', seat: 'p3', role: 'player' }, -10))).toBeNull();
    for (const junk of [undefined, null, 42, '', '.', 'abc', 'x'.repeat(5000), {}]) expect(signer.verify(junk)).toBeNull();
  });

  it('refuses every encoding of a token but the canonical one: padding, spare bits, foreign characters', () => {
    const token = signer.sign({ session: 's123abc', seat: 'p3', role: 'player' });
    const [body, mac] = token.split('.') as [string, string];
    // 32 MAC bytes take 43 characters; the last carries 4 spare bits that decoding ignores.
    const spare = (s: string) => s.slice(0, -1) + ALPHABET[ALPHABET.indexOf(s.at(-1) as string) ^ 1];
    const variants = [`${token}=`, `${token}==`, `${body}.${spare(mac)}`, `${body}.${mac.slice(0, 10)}+${mac.slice(10)}`, `${body}.${mac.slice(0, 10)} ${mac.slice(10)}`, `${body}.+${mac.slice(1)}`, `${body}./${mac.slice(1)}`, `${body}=.${mac}`, `${body}.${mac}.`, `${body}..${mac}`];
    expect(Buffer.from(spare(mac), 'base64url')).toEqual(Buffer.from(mac, 'base64url'));
    for (const v of variants) expect(signer.verify(v), v).toBeNull();
    expect(signer.verify(token)).not.toBeNull();
  });

  it('refuses a short secret', () => {
    expect(() => new TokenSigner('short')).toThrow(/16 characters/);
  });
});
