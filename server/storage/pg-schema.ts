/**
 * The PostgreSQL schema of the ledger and the sessions, as numbered migrations: a database
 * records in `arena_migrations` which it has had, and each process that opens it applies
 * the ones it has not (under an advisory lock, so processes starting together apply each
 * once). A migration is never edited once released: a change is a new one.
 *
 * Events keep their audience and data as the JSON text the hash was computed over (text,
 * not jsonb: jsonb reorders keys and refuses \u0000, and the record must read back exactly).
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ledger and sessions',
    sql: `
      CREATE TABLE matches (
        id text PRIMARY KEY,
        mechanism text NOT NULL,
        created_at text NOT NULL,
        final_hash text
      );
      CREATE TABLE events (
        match text NOT NULL,
        seq integer NOT NULL,
        at double precision NOT NULL,
        kind text NOT NULL,
        seat text,
        audience text NOT NULL,
        data text NOT NULL,
        prev text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (match, seq)
      );
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        room_id text NOT NULL,
        spec text NOT NULL,
        seed bigint NOT NULL,
        mechanism text NOT NULL,
        title text NOT NULL,
        status text NOT NULL DEFAULT 'lobby',
        demo boolean NOT NULL DEFAULT false,
        created_at text NOT NULL,
        codes text NOT NULL DEFAULT '{}',
        host text NOT NULL DEFAULT ''
      );
      CREATE INDEX sessions_status ON sessions (status);
      CREATE TABLE join_codes (
        code text PRIMARY KEY,
        session text NOT NULL,
        seat text NOT NULL
      );
    `,
  },
];

/**
 * One commit of the ledger in one statement (one round trip, atomic by itself): the events
 * as arrays unnested into rows, a `matches` row for each match_started (with its final hash
 * when its match_ended is in the same commit), and the final hash of matches that end here.
 * The mechanism of a match_started and the hash of a match_ended come as columns of their
 * own ($10, $11), so that no JSON is parsed by the database.
 */
export const COMMIT_SQL = `
WITH ev AS (
  SELECT * FROM unnest($1::text[], $2::int[], $3::float8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
    AS t(match, seq, at, kind, seat, audience, data, prev, hash, mechanism, final)
), ended AS (
  SELECT match, final FROM ev WHERE kind = 'match_ended'
), started AS (
  INSERT INTO matches (id, mechanism, created_at, final_hash)
  SELECT s.match, s.mechanism, $12, e.final
  FROM ev s LEFT JOIN ended e ON e.match = s.match WHERE s.kind = 'match_started'
), finished AS (
  UPDATE matches m SET final_hash = e.final FROM ended e
  WHERE m.id = e.match AND NOT EXISTS (SELECT 1 FROM ev s WHERE s.kind = 'match_started' AND s.match = e.match)
)
INSERT INTO events (match, seq, at, kind, seat, audience, data, prev, hash)
SELECT match, seq, at, kind, seat, audience, data, prev, hash FROM ev
`;

/** How big the ledger's tables are, in bytes (what the size cap compares). */
export const SIZE_SQL = `SELECT (pg_total_relation_size('events') + pg_total_relation_size('matches'))::float8 AS bytes`;
