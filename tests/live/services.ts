/**
 * The real services some tests need: PostgreSQL and Redis on this machine (.ci/run starts
 * them when they are not running). A test file asks for one at its top level; when the
 * service cannot be reached the file's tests are skipped with a loud line, except under
 * CI=true, where that is a failure. Each test run gets a fresh PostgreSQL schema and a
 * Redis key prefix of its own, removed after the file.
 */
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';

export const POSTGRES_URL = process.env.ARENA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.ARENA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((done) => {
    const socket = new Socket();
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(Number(u.port || defaultPort), u.hostname, () => finish(true));
  });
}

/** Whether the service answers; under CI=true a missing service throws, failing the file; elsewhere it says so loudly. */
async function required(name: string, url: string, defaultPort: number): Promise<boolean> {
  if (await reachable(url, defaultPort)) return true;
  const message = `${name} is not reachable at ${url}: the tests that need it are SKIPPED (.ci/run starts it; under CI=true this fails)`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n!!! ${message}\n`);
  return false;
}

export const postgresAvailable = (): Promise<boolean> => required('PostgreSQL', POSTGRES_URL, 5432);
export const redisAvailable = (): Promise<boolean> => required('Redis', REDIS_URL, 6379);

/** A name no other test run uses (a schema, a key prefix). */
export const runName = (what: string): string => `arena_${what}_${process.pid}_${randomBytes(4).toString('hex')}`;

/** Drops a schema made for a test run, with everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Runs SQL in a test run's schema (to make PostgreSQL itself refuse writes, say). */
export async function inSchema(schema: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${schema}"`);
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Removes every Redis key under a test run's prefix. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
