/**
 * A session's tidy tables over HTTP, for the experimenter (Authorization: Bearer <token>):
 *
 * - GET /api/sessions/:id/tables: the files (each table and dictionary.csv) with their links;
 * - GET /api/sessions/:id/tables.zip: all of them in one zip (a folder named after the session);
 * - GET /api/sessions/:id/tables/:file: one of them (`trades.csv`, `dictionary.csv`).
 *
 * Every answer is read from the ledger as it is sent (server/tables-export.ts).
 */
import type { Application, Request, Response } from 'express';
import { z } from 'zod';
import type { Ledger } from './storage/stores.ts';
import type { SessionRow, Sessions } from './storage/sessions.ts';
import { isExperimenter } from './api.ts';
import { writeChunks, type SessionRecord } from './export.ts';
import { sessionTableFile, sessionTables, writeTablesZip } from './tables-export.ts';
import { tableFiles } from '../studies/tables.ts';

export interface TablesDeps {
  readonly sessions: Sessions;
  readonly ledger: Ledger;
  readonly adminToken: string;
}

const sessionParam = z.string().regex(/^s[a-z0-9]{4,40}$/);
const fileParam = z.string().regex(/^[a-z][a-z0-9_]{0,60}\.csv$/);
const noQuery = z.object({}).strict();

export function mountTablesApi(app: Application, deps: TablesDeps): void {
  const record = (id: string): SessionRecord => ({ [Symbol.iterator]: () => deps.ledger.stream(id) });

  /** The session the request names, once the experimenter token and an empty query are checked; null when answered already. */
  const session = (req: Request, res: Response): SessionRow | null => {
    if (!isExperimenter(req.get('authorization'), deps.adminToken)) {
      res.status(401).json({ error: 'experimenter token required (Authorization: Bearer <token>)' });
      return null;
    }
    if (!noQuery.safeParse(req.query).success) {
      res.status(400).json({ error: 'this endpoint takes no query parameters' });
      return null;
    }
    const id = sessionParam.safeParse(req.params.id);
    const row = id.success ? deps.sessions.get(id.data) : null;
    if (!row) res.status(404).json({ error: 'no such session' });
    return row;
  };

  app.get('/api/sessions/:id/tables', (req, res) => {
    const row = session(req, res);
    if (!row) return;
    const files = [...tableFiles(sessionTables(row.id, record(row.id)))].map((f) => ({ name: f.name, link: `/api/sessions/${row.id}/tables/${f.name}` }));
    res.json({ session: row.id, zip: `/api/sessions/${row.id}/tables.zip`, files });
  });

  app.get('/api/sessions/:id/tables.zip', (req, res) => {
    const row = session(req, res);
    if (!row) return;
    const stamp = new Date(row.createdAt);
    res.attachment(`${row.id}-tables.zip`).type('application/zip');
    void writeTablesZip(res, sessionTables(row.id, record(row.id)), `${row.id}-tables`, Number.isNaN(stamp.getTime()) || stamp.getUTCFullYear() < 1980 ? new Date('1980-01-01T00:00:00Z') : stamp).catch(() => res.destroy());
  });

  app.get('/api/sessions/:id/tables/:file', (req, res) => {
    const row = session(req, res);
    if (!row) return;
    const name = fileParam.safeParse(req.params.file);
    const file = name.success ? sessionTableFile(sessionTables(row.id, record(row.id)), name.data) : undefined;
    if (!file) {
      res.status(404).json({ error: 'no such table (GET /api/sessions/:id/tables lists them)' });
      return;
    }
    res.attachment(`${row.id}-${file.name}`).type('text/csv');
    void writeChunks(res, file.chunks()).catch(() => res.destroy());
  });
}
