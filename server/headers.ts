/**
 * Security headers (helmet) of the two kinds of answer the server gives a browser. Pages
 * and assets of the web client may load scripts, styles and images only from the server
 * itself (images also as data: URLs, the favicon is one; styles also inline, as Svelte's
 * templates set style attributes), connect only to the same host (HTTP and the arena
 * websockets), and never be framed. API answers may load nothing, never be framed, and
 * are not kept by browser caches (they carry seat tokens). Neither kind upgrades to or
 * pins https: a class on a local network reaches the server over plain http.
 * Both send no Referer, so a join link's code never leaves the page in one.
 */
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

const common = {
  strictTransportSecurity: false,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
} as const;

/** `host[:port]` as a CSP source, or null for a Host header that is not a plain host name or address. */
const sameHost = (req: IncomingMessage): string | null => {
  const host = req.headers.host ?? '';
  return /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(host) ? host : null;
};

export const pageHeaders: RequestHandler = helmet({
  ...common,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      // 'self' covers ws: only in browsers that implement CSP level 3; name the websocket origins too.
      connectSrc: [
        (req) => {
          const host = sameHost(req);
          return host ? `'self' ws://${host} wss://${host}` : "'self'";
        },
      ],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
});

const apiHelmet = helmet({
  ...common,
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
});

export const apiHeaders: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  res.set('cache-control', 'no-store');
  apiHelmet(req, res, next);
};
