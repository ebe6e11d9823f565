import { describe, expect, it } from 'vitest';
import { TokenSigner } from './tokens.ts';

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

  it('refuses a short secret', () => {
    expect(() => new TokenSigner('short')).toThrow(/16 characters/);
  });
});
