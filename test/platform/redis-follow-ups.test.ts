import { describe, expect, it } from 'vitest';
import { Outages } from '../../src/platform/outages.js';
import { RedisFollowUps } from '../../src/platform/redis-follow-ups.js';

/** What ioredis rejects a command with while the server is away (a fail-fast connection). */
const away = () => new Error("Stream isn't writeable and enableOfflineQueue options is false");

function setUp(maxOwed?: number) {
  const lines: Array<{ level: string; msg: string }> = [];
  const log = {
    error: (_: object, msg: string) => void lines.push({ level: 'error', msg }),
    warn: (_: object, msg: string) => void lines.push({ level: 'warn', msg }),
    info: (_: object, msg: string) => void lines.push({ level: 'info', msg }),
  };
  const outages = new Outages({ log });
  return { lines, outages, followUps: new RedisFollowUps(outages, log, maxOwed) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('RedisFollowUps: Redis writes after a committed change', () => {
  it('swallows Redis being away (logged once per outage) and rethrows anything else', async () => {
    const { lines, outages, followUps } = setUp();
    expect(await followUps.run(async () => 'OK')).toBe(true);
    expect(
      await followUps.run(async () => {
        throw away();
      }),
    ).toBe(false);
    expect(
      await followUps.run(async () => {
        throw away();
      }),
    ).toBe(false);
    expect(outages.isDown('redis')).toBe(true);
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
    await expect(
      followUps.run(async () => {
        throw new Error('ERR wrong number of arguments');
      }),
    ).rejects.toThrow('wrong number');
  });

  it('makes each owed write once when Redis is back, the latest one per key', async () => {
    const { outages, followUps } = setUp();
    const made: string[] = [];
    let up = false;
    const write = (name: string) => async () => {
      if (!up) throw away();
      made.push(name);
    };
    await followUps.run(write('a1'), { owed: 'a' });
    await followUps.run(write('b'), { owed: 'b' });
    await followUps.run(write('a2'), { owed: 'a' });
    // Not owed: left to the sweeps.
    await followUps.run(write('c'));
    up = true;
    outages.up('redis');
    await flush();
    expect(made.sort()).toEqual(['a2', 'b']);
    // Nothing is owed any more.
    outages.down('redis');
    outages.up('redis');
    await flush();
    expect(made).toHaveLength(2);
  });

  it('remembers a bounded number of writes, dropping the oldest', async () => {
    const { outages, followUps } = setUp(2);
    const made: string[] = [];
    let up = false;
    const write = (name: string) => async () => {
      if (!up) throw away();
      made.push(name);
    };
    for (const key of ['x', 'y', 'z']) await followUps.run(write(key), { owed: key });
    up = true;
    outages.up('redis');
    await flush();
    expect(made.sort()).toEqual(['y', 'z']);
  });
});
