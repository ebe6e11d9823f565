/**
 * The built web client (client/dist): static assets, and index.html for every page path
 * the client routes itself (/join/CODE, /watch/ID, /replay/MATCH, /arenas, /console), all
 * with the page security headers (headers.ts). Without a build, the page paths answer with how to make one.
 * Any other path outside /api is a 404 page (mountNotFound), not Express's bare "Cannot GET".
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Application } from 'express';
import { pageHeaders } from './headers.ts';

export const CLIENT_DIST = path.resolve(import.meta.dirname, '../client/dist');

// A match id may hold slashes, encoded or not: /replay/study/treatment/3 is one page.
const PAGE_PATHS = ['/', '/arenas', '/console', '/join/:code', '/class/:code', '/slips/:session', '/watch/:session', '/replay/*match', '/debrief/:session', '/payments/:session'];

export function mountWebClient(app: Application, dist = CLIENT_DIST): boolean {
  const index = path.join(dist, 'index.html');
  const built = existsSync(index);
  if (built) {
    // Hashed asset names never change content: cache them; index.html always revalidates.
    app.use('/assets', pageHeaders, express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
    app.get(PAGE_PATHS, pageHeaders, (_req, res) => {
      res.set('cache-control', 'no-cache').sendFile(index);
    });
  } else {
    app.get(PAGE_PATHS, pageHeaders, (_req, res) => {
      res.status(503).type('text/plain').send('The web client is not built. Run `npm run build:client` (npm start does it), then reload. The JSON API is under /api.');
    });
  }
  return built;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const decodedPath = (raw: string): string => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

/** The 404 page without the web client: a few plain words and a link to the start page. */
export function notFoundHtml(path: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Page not found · Mechanism Arena</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{overflow-wrap:anywhere}</style></head>
<body><main><h1>Page not found</h1><p>There is no page at <code>${escapeHtml(path)}</code>.</p>
<p>If you were given a link to a seat, check that it was copied whole, or type your code on the <a href="/">start page</a>.</p></main></body>
</html>
`;
}

/**
 * Mount last: every request no route answered, outside /api, gets a 404 page. With the
 * client built it is the client itself (it shows its own "page not found"), so the page
 * looks like the rest; without it, a small page of its own.
 */
export function mountNotFound(app: Application, dist: string | null = CLIENT_DIST): void {
  const index = dist === null ? null : path.join(dist, 'index.html');
  app.use((req, res, next) => {
    if (req.path === '/api' || req.path.startsWith('/api/')) return next();
    pageHeaders(req, res, () => {
      res.status(404).set('cache-control', 'no-cache');
      if ((req.method === 'GET' || req.method === 'HEAD') && index && existsSync(index)) res.sendFile(index);
      else res.type('html').send(notFoundHtml(decodedPath(req.path)));
    });
  });
}
