/**
 * Server-signed seat tokens: base64url(JSON claims) "." base64url(HMAC-SHA256), both
 * unpadded. A client acts only for the seat its token names; the room checks the session
 * too. Only the canonical encoding verifies: one token has one spelling, so no padded,
 * re-alphabeted or spare-bit variant of a token passes for it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ROLES } from './protocol.ts';

const claimsSchema = z.object({
  session: z.string().min(1).max(64),
  seat: z.string().regex(/^(p\d{1,4}|-)$/),
  role: z.enum(ROLES),
  /** Set only on the tokens the server gives the bots it seats: the policy's name. A seat is a bot's only when its token says so. */
  bot: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/).optional(),
  exp: z.number().int(),
});
export type SeatClaims = z.infer<typeof claimsSchema>;

const b64 = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** The bytes of canonical unpadded base64url text, else null (Node's decoder skips what it does not know). */
function decodeCanonical(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

export class TokenSigner {
  readonly #secret: string;

  constructor(secret: string) {
    if (secret.length < 16) throw new Error('token secret must be at least 16 characters');
    this.#secret = secret;
  }

  sign(claims: Omit<SeatClaims, 'exp'>, ttlSeconds = 7 * 24 * 3600): string {
    const body = b64(JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) + ttlSeconds }));
    return `${body}.${b64(createHmac('sha256', this.#secret).update(body).digest())}`;
  }

  /** The claims of a valid, unexpired token; null for anything else. */
  verify(token: unknown): SeatClaims | null {
    if (typeof token !== 'string' || token.length > 2048) return null;
    const parts = token.split('.');
    if (parts.length !== 2) return null;
    const [body, mac] = parts as [string, string];
    const claimsBytes = decodeCanonical(body);
    const given = decodeCanonical(mac);
    if (!claimsBytes || !given) return null;
    const expected = createHmac('sha256', this.#secret).update(body).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const claims = claimsSchema.safeParse(JSON.parse(claimsBytes.toString('utf8')));
      if (!claims.success || claims.data.exp < Date.now() / 1000) return null;
      return claims.data;
    } catch {
      return null;
    }
  }
}
