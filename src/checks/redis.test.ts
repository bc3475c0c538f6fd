import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckContext, CheckFailure } from '../engine/check.js';
import redis, { parseInfo } from './redis.js';
import { binaryAvailable } from './test-support/binaries.js';
import { celEnvironment, holds } from './test-support/cel.js';
import { type OwnRedis, REDIS_SERVER, startRedisServer } from './test-support/redis-server.js';

// The tests judge server settings (AOF, RDB), so they run against servers of their own with those
// settings, never the machine's shared Redis (whose configuration is not theirs to know or change).
const up = await binaryAvailable(REDIS_SERVER, 'redis-server');
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const key = `gonogo:test:${suffix}`;
// Checks that must be told apart in CLIENT LIST connect as ACL users of their own.
const probe = `gonogo_probe_${suffix}`;
const limited = `gonogo_limited_${suffix}`;
let server: OwnRedis;
let URL_ = '';
let HOST = '';
let PROBE_URL = '';
let LIMITED_URL = '';
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const ctx = (timeoutMs = 5000): CheckContext => ({
  signal: AbortSignal.timeout(timeoutMs),
  timeoutMs,
  baseDir: process.cwd(),
  env: {},
});

async function observe(target: string, options: Record<string, unknown> = {}, timeoutMs?: number) {
  try {
    return {
      observed: await redis.run(redis.target.parse(target), redis.options.parse(options), ctx(timeoutMs)),
    };
  } catch (err) {
    if (err instanceof CheckFailure) return { failure: err.message, observed: err.partial };
    throw err;
  }
}

async function admin<T>(fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(URL_, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** Connections of the probe user still open on the server (a finished check leaves none). */
const probeConnections = () =>
  admin(async (client) => {
    const list = (await client.call('CLIENT', 'LIST')) as string;
    return list.split('\n').filter((line) => line.includes(` user=${probe} `)).length;
  });

describe.skipIf(!up)('redis kind (a redis-server of its own: --appendonly no, --save "")', () => {
  beforeAll(async () => {
    server = await startRedisServer(['--appendonly', 'no', '--save', '']);
    URL_ = server.url;
    HOST = `127.0.0.1:${server.port}`;
    PROBE_URL = `redis://${probe}:probe-pw@${HOST}`;
    LIMITED_URL = `redis://${limited}:limited-pw@${HOST}`;
    await admin(async (client) => {
      await client.set(key, 'two words');
      await client.call('ACL', 'SETUSER', probe, 'on', '>probe-pw', '~*', '&*', '+@all');
      // A user that may PING and GET but neither INFO nor CONFIG, as locked-down deployments do.
      await client.call(
        'ACL',
        'SETUSER',
        limited,
        'on',
        '>limited-pw',
        '~*',
        '+ping',
        '+get',
        '+hello',
        '+auth',
      );
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    {
      name: 'connects and reads INFO without a command',
      command: undefined,
      conditions: redis.defaultExpect,
      passes: true,
    },
    // This server runs with --appendonly no: the seed's "Redis persistence AOF+RDB" item fails here.
    {
      name: 'CONFIG GET becomes a map',
      command: 'CONFIG GET appendonly',
      conditions: ['reply.appendonly == "no"'],
      passes: true,
    },
    {
      name: 'AOF required but off: fails',
      command: 'CONFIG GET appendonly',
      conditions: ['reply.appendonly == "yes"'],
      passes: false,
    },
    {
      name: 'CONFIG GET with a pattern',
      command: 'config get maxmemory*',
      conditions: ['"maxmemory-policy" in reply', 'size(reply) > 1'],
      passes: true,
    },
    { name: 'PING', command: 'PING', conditions: ['reply == "PONG"'], passes: true },
    {
      name: 'an argument with spaces, as a list',
      command: ['GET', key],
      conditions: ['reply == "two words"'],
      passes: true,
    },
    {
      name: 'a missing key is null',
      command: ['GET', `${key}:missing`],
      conditions: ['reply == null'],
      passes: true,
    },
    {
      name: 'an integer reply',
      command: ['EXISTS', key, `${key}:missing`],
      conditions: ['reply == 1'],
      passes: true,
    },
    {
      name: 'INFO fields of every section, as strings',
      command: undefined,
      conditions: [
        'info.aof_enabled == "0"',
        'info.redis_mode == "standalone"',
        'int(info.connected_clients) >= 1',
        '"used_memory" in info',
      ],
      passes: true,
    },
    {
      name: 'AOF required but off, as INFO says: fails',
      command: undefined,
      conditions: ['info.aof_enabled == "1"'],
      passes: false,
    },
    {
      name: 'RDB snapshots off too (--save "")',
      command: 'CONFIG GET save',
      conditions: ['reply.save != ""'],
      passes: false,
    },
  ])('$name', async ({ command, conditions, passes }) => {
    const { observed, failure } = await observe(URL_, command === undefined ? {} : { command });
    expect(failure).toBeUndefined();
    expect(observed).toMatchObject({ connected: true });
    expect(Object.keys(observed).sort()).toEqual(
      command === undefined
        ? ['connected', 'info', 'latency_ms']
        : ['connected', 'info', 'latency_ms', 'reply'],
    );
    expect(observed.latency_ms).toBeGreaterThan(0);
    expect((observed.info as Record<string, string>).redis_version).toMatch(/^\d+\.\d+/);
    expect(holds(redis, conditions, observed)).toBe(passes);
  });

  it.each([
    {
      name: 'refused port: connected is false',
      target: 'redis://127.0.0.1:1',
      message: /connecting to redis:\/\/127\.0\.0\.1:1 failed: .*ECONNREFUSED.*check the URL/,
    },
    {
      name: 'a wrong password: connected is false',
      target: 'wrong-password',
      message: /WRONGPASS/,
    },
  ])('$name', async ({ target, message }) => {
    const url = target === 'wrong-password' ? `redis://${probe}:wrong-pw@${HOST}` : target;
    const { observed, failure } = await observe(url, { command: 'PING' });
    expect(failure).toMatch(message);
    expect(observed).toEqual({ connected: false });
    expect(holds(redis, redis.defaultExpect, observed)).toBe(false);
    expect(holds(redis, ['!connected'], observed)).toBe(true);
  });

  it('never shows the password of the URL', async () => {
    const { failure } = await observe(`redis://${probe}:wrong-pw@${HOST}`);
    expect(failure).toContain(`redis://${probe}:***@${HOST}`);
    expect(failure).not.toContain('wrong-pw');
  });

  it('an unknown command is an error with the server message', async () => {
    const { observed, failure } = await observe(URL_, { command: 'NOSUCHCOMMAND x' });
    expect(failure).toMatch(new RegExp(`NOSUCHCOMMAND on ${escaped(URL_)} failed: ERR unknown command`));
    expect(observed).toEqual({ connected: true });
  });

  it('a user without INFO: reply and connected are judged, info cannot be', async () => {
    const { observed, failure } = await observe(LIMITED_URL, { command: 'PING' });
    expect(failure).toMatch(
      /INFO on redis:\/\/gonogo_limited_.*:\*\*\*@.* failed: NOPERM.*allow INFO for this user/,
    );
    expect(observed).toMatchObject({ connected: true, reply: 'PONG' });
    expect(observed).not.toHaveProperty('info');
    expect(holds(redis, ['connected', 'reply == "PONG"'], observed)).toBe(true);
  });

  it('a command the ACL forbids is an error naming it', async () => {
    const { failure } = await observe(LIMITED_URL, { command: 'CONFIG GET appendonly' });
    expect(failure).toMatch(/CONFIG on .* failed: NOPERM.*check the command and the ACL/);
  });

  it('a blocking command is abandoned at the timeout and its connection closed', async () => {
    const { observed, failure } = await observe(PROBE_URL, { command: ['BLPOP', `${key}:queue`, '30'] }, 300);
    expect(failure).toMatch(/BLPOP on .* did not finish within 300 ms/);
    expect(observed).toEqual({ connected: true });
    await expect.poll(probeConnections).toBe(0);
  });

  it('closes its connections', async () => {
    await observe(PROBE_URL, { command: 'PING' });
    await observe(PROBE_URL, { command: 'NOSUCHCOMMAND' });
    await expect.poll(probeConnections).toBe(0);
  });
});

describe.skipIf(!up)('redis kind (a redis-server of its own: --appendonly yes)', () => {
  let aof: OwnRedis;
  beforeAll(async () => {
    aof = await startRedisServer(['--appendonly', 'yes', '--save', '900 1']);
  });
  afterAll(async () => {
    await aof?.stop();
  });

  it.each([
    [
      'the seed\'s "Redis persistence AOF+RDB" item passes',
      'CONFIG GET appendonly',
      ['reply.appendonly == "yes"'],
    ],
    ['INFO says AOF is on', undefined, ['info.aof_enabled == "1"']],
    ['RDB snapshots are on', 'CONFIG GET save', ['reply.save != ""']],
  ])('%s', async (_name, command, conditions) => {
    const { observed, failure } = await observe(aof.url, command === undefined ? {} : { command });
    expect(failure).toBeUndefined();
    expect(holds(redis, conditions, observed)).toBe(true);
  });
});

describe('redis kind without a server', () => {
  it.each([
    ['connected'],
    ['reply.appendonly == "yes"', 'info.aof_enabled == "1"', 'latency_ms < 100'],
    ['info.role == "master"', 'int(info.connected_slaves) >= 1'],
    ['reply == "PONG"', 'reply.size() > 0'],
  ])('typical expectations type-check: %s', (...conditions: string[]) => {
    for (const c of [...redis.defaultExpect, ...conditions]) {
      expect(celEnvironment(redis).check(c), c).toMatchObject({ valid: true, type: 'bool' });
    }
    expect(celEnvironment(redis).check('rows.size() > 0').valid).toBe(false);
  });

  it.each([
    ['redis://cache:6379', true],
    ['rediss://default:secret@cache:6380/0', true],
    ['cache:6379', false],
    ['http://cache', false],
  ])('target %s valid: %s', (target, ok) => {
    const parsed = redis.target.safeParse(target);
    expect(parsed.success).toBe(ok);
    if (!parsed.success) expect(JSON.stringify(parsed.error.issues)).not.toContain('secret');
  });

  it('options: command is a line or a list, nothing else', () => {
    expect(redis.options.parse({ command: 'CONFIG  GET save' })).toEqual({
      command: ['CONFIG', 'GET', 'save'],
    });
    expect(redis.options.parse({ command: ['GET', 'a b'] })).toEqual({ command: ['GET', 'a b'] });
    expect(redis.options.parse({})).toEqual({});
    expect(redis.options.safeParse({ command: [] }).success).toBe(false);
    expect(redis.options.safeParse({ db: 1 }).success).toBe(false);
    const target = redis.target.parse('rediss://:p@cache.internal');
    expect(target).toMatchObject({ shown: 'rediss://:***@cache.internal', secrets: ['p'] });
    expect(redis.hostKey?.(target, {})).toBe('cache.internal:6379');
    expect(redis.target.safeParse('http://cache').error?.issues[0]?.message).toBe(
      'give a URL like redis://host:6379 or rediss://user:password@host:6380/0',
    );
  });

  it('parseInfo reads every section into one map, values as written', () => {
    const text =
      '# Server\r\nredis_version:7.0.15\r\nexecutable:/usr/bin/redis-server\r\n\r\n# Keyspace\r\ndb0:keys=1,expires=0\r\n';
    expect(parseInfo(text)).toEqual({
      redis_version: '7.0.15',
      executable: '/usr/bin/redis-server',
      db0: 'keys=1,expires=0',
    });
  });
});
