/**
 * A server in several processes (README, Deployment): Colyseus' RedisPresence and
 * RedisDriver on one Redis, so that a room of any process is listed and joined through
 * any other; each process with a public address of its own (where the proxy sends the
 * websockets of its rooms). A session runs in the process that created it (or resumed
 * it). What only that process can do for a session (admit a join at its reservation,
 * control it, release a seat, describe it for the directory) is asked of it through
 * Colyseus' own IPC over the presence: `ask` finds the process from the room's listing.
 */
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { matchMaker, requestFromIPC, subscribeIPC, type Presence } from '@colyseus/core';
import { RedisDriver } from '@colyseus/redis-driver';
import { RedisPresence } from '@colyseus/redis-presence';
import { z } from 'zod';

export interface ClusterConfig {
  /** redis://[user:password@]host:port[/db] */
  readonly redisUrl: string;
  /** Where this process's websockets are reached, as clients see it: `host:port` or `host/path` behind a proxy. */
  readonly publicAddress: string;
  /** Prefix of every Redis key (and stream) of this server: servers (or test runs) sharing one Redis keep apart. */
  readonly prefix: string;
}

export const clusterConfigSchema = z.strictObject({
  redisUrl: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'a redis:// or rediss:// URL'),
  publicAddress: z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~-]+)*$/, 'host[:port][/path], as clients reach this process'),
  prefix: z.string().regex(/^[A-Za-z0-9:_.-]{0,64}$/, 'letters, digits and : _ . - (at most 64)'),
});

/** ioredis options from a redis:// URL, with the server's key prefix (the Colyseus drivers take options, not a client of another ioredis version). */
export function redisOptions(config: ClusterConfig): RedisOptions {
  const u = new URL(config.redisUrl);
  const db = Number(u.pathname.replace(/^\//, '') || 0);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    keyPrefix: config.prefix,
  };
}

/** The operations a session's own process answers for the others. */
export type HostedOps = Record<string, (...args: never[]) => unknown>;

export class Cluster {
  readonly config: ClusterConfig;
  readonly presence: RedisPresence;
  readonly driver: RedisDriver;
  /** A client of our own (locks, the socket.io adapter), on the same Redis. */
  readonly redis: Redis;

  constructor(config: ClusterConfig) {
    this.config = clusterConfigSchema.parse(config);
    const options = redisOptions(this.config);
    this.presence = new RedisPresence(options as never);
    this.driver = new RedisDriver(options as never);
    const { keyPrefix: _prefix, ...plain } = options;
    this.redis = new Redis({ ...plain, maxRetriesPerRequest: 3 });
  }

  /** Where this process is (a session row's host). */
  get host(): string {
    return this.config.publicAddress;
  }

  /** The socket.io streams adapter's stream. */
  get streamName(): string {
    return `${this.config.prefix}socket.io`;
  }

  /** Colyseus creates a room where it is asked for: a session runs in the process that created it. */
  readonly here = async (): Promise<string> => matchMaker.processId;

  /** Starts answering the other processes' questions about the sessions of this one. */
  async answer(ops: HostedOps): Promise<void> {
    await subscribeIPC(matchMaker.presence as Presence, this.#channel(matchMaker.processId), (method: string, args: unknown[]) => {
      const op = ops[method];
      if (!op) throw new Error(`no such operation: ${method}`);
      return op(...(args as never[]));
    });
  }

  /**
   * Where a room runs: 'here', the id of another process, or null when it runs nowhere
   * (its process is gone, or it was disposed).
   */
  async whereIs(roomId: string): Promise<'here' | string | null> {
    if (!roomId) return null;
    if (matchMaker.getLocalRoomById(roomId)) return 'here';
    const listing = await matchMaker.getRoomById(roomId).catch(() => undefined);
    if (!listing?.processId || listing.processId === matchMaker.processId) return null;
    return listing.processId;
  }

  /** Asks process `processId` to run one of its operations. */
  ask<T>(processId: string, method: string, args: readonly unknown[], timeoutMs = 3000): Promise<T> {
    return requestFromIPC(matchMaker.presence as Presence, this.#channel(processId), method, args as unknown[], timeoutMs) as Promise<T>;
  }

  /**
   * Runs `fn` holding the cluster-wide lock `name` (at most `ttlMs`); when another process
   * holds it, does not run it and returns false.
   */
  async exclusively(name: string, ttlMs: number, fn: () => Promise<void>): Promise<boolean> {
    const key = `${this.config.prefix}lock:${name}`;
    const token = randomBytes(12).toString('hex');
    if ((await this.redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return false;
    try {
      await fn();
    } finally {
      // Released only by its holder (a lock that expired meanwhile may be someone else's now).
      await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, key, token);
    }
    return true;
  }

  close(): void {
    this.redis.disconnect();
  }

  #channel(processId: string): string {
    return `${this.config.prefix}arena:${processId}`;
  }
}
