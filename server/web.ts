/**
 * The built web client (client/dist): static assets, and index.html for every page path
 * the client routes itself (/join/CODE, /watch/ID, /replay/MATCH, /arenas, /console), all
 * with the page security headers (headers.ts). Without a build, the page paths answer with how to make one.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Application } from 'express';
import { pageHeaders } from './headers.ts';

export const CLIENT_DIST = path.resolve(import.meta.dirname, '../client/dist');

// A match id may hold slashes, encoded or not: /replay/study/treatment/3 is one page.
const PAGE_PATHS = ['/', '/arenas', '/console', '/join/:code', '/watch/:session', '/replay/*match'];

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
