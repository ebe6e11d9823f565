/**
 * The environment variables that choose where the server keeps its records and whether it
 * runs as one process of several (README, Deployment), validated before anything starts:
 * a wrong value is refused naming the variable (exit 2), never half-used.
 *
 * - ARENA_DATABASE_URL (postgres://...): the ledger and the sessions in PostgreSQL, in
 *   ARENA_DATABASE_SCHEMA (default `public`); unset, the SQLite file ARENA_DB.
 * - ARENA_REDIS_URL (redis://...): one process of a cluster; then ARENA_PUBLIC_ADDRESS (how
 *   clients reach this process's websockets), ARENA_DATABASE_URL, ARENA_SECRET and
 *   ARENA_ADMIN_TOKEN (the same in every process) are required; ARENA_REDIS_PREFIX keeps
 *   the keys of servers sharing one Redis apart.
 */
import { z } from 'zod';
import type { ClusterConfig } from './cluster.ts';
import { clusterConfigSchema } from './cluster.ts';
import type { StoreConfig } from './storage/stores.ts';
import { UsageError } from './usage-error.ts';

const deploymentSchema = z.strictObject({
  ARENA_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// or postgresql:// URL').optional(),
  ARENA_DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL name (letters, digits, _)').default('public'),
  ARENA_REDIS_URL: clusterConfigSchema.shape.redisUrl.optional(),
  ARENA_REDIS_PREFIX: clusterConfigSchema.shape.prefix.default('arena:'),
  ARENA_PUBLIC_ADDRESS: clusterConfigSchema.shape.publicAddress.optional(),
});

const KEYS = Object.keys(deploymentSchema.shape) as (keyof z.input<typeof deploymentSchema>)[];

export interface Deployment {
  /** PostgreSQL, or null for the SQLite file. */
  readonly postgres: { readonly url: string; readonly schema: string } | null;
  readonly cluster: ClusterConfig | null;
}

/** Reads and checks the deployment variables of `env`; throws UsageError naming what is wrong or missing. */
export function deployment(env: NodeJS.ProcessEnv): Deployment {
  const picked = Object.fromEntries(KEYS.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]));
  const parsed = deploymentSchema.safeParse(picked);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  const d = parsed.data;
  const postgres = d.ARENA_DATABASE_URL ? { url: d.ARENA_DATABASE_URL, schema: d.ARENA_DATABASE_SCHEMA } : null;
  if (!d.ARENA_REDIS_URL) return { postgres, cluster: null };
  const missing = [
    ...(d.ARENA_PUBLIC_ADDRESS ? [] : ['ARENA_PUBLIC_ADDRESS (where clients reach this process)']),
    ...(postgres ? [] : ['ARENA_DATABASE_URL (the processes share their sessions and ledger in PostgreSQL)']),
    ...(env.ARENA_SECRET ? [] : ['ARENA_SECRET (the same in every process: seat tokens signed by one verify on all)']),
    ...(env.ARENA_ADMIN_TOKEN ? [] : ['ARENA_ADMIN_TOKEN (the same in every process)']),
  ];
  if (missing.length) throw new UsageError(`ARENA_REDIS_URL runs this process as one of several; it also needs:\n  ${missing.join('\n  ')}`);
  return { postgres, cluster: { redisUrl: d.ARENA_REDIS_URL, publicAddress: d.ARENA_PUBLIC_ADDRESS as string, prefix: d.ARENA_REDIS_PREFIX } };
}

/** The store a command reads or writes: PostgreSQL when ARENA_DATABASE_URL is set, else the SQLite file. */
export function storeFor(env: NodeJS.ProcessEnv, sqlitePath: string, extra: Partial<Extract<StoreConfig, { kind: 'sqlite' }>> = {}): StoreConfig {
  const { postgres } = deployment(env);
  const cap = extra.maxBytes !== undefined ? { maxBytes: extra.maxBytes } : {};
  return postgres ? { kind: 'postgres', ...postgres, ...cap } : { ...extra, kind: 'sqlite', path: sqlitePath };
}
