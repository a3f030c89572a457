import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/platform/metrics.js';
import { isRedisUnavailable, Outages, unavailableDependency } from '../../src/platform/outages.js';

/** platform/outages.ts: which errors are an outage, and saying each outage once (issue 18). */
function recorder() {
  const lines: Array<{ level: string; msg: string }> = [];
  const at = (level: string) => (_: object, msg: string) => void lines.push({ level, msg });
  return { lines, log: { error: at('error'), warn: at('warn'), info: at('info') } };
}

describe('unavailableDependency', () => {
  it('knows what ioredis and Redis say while Redis is away, and nothing else', () => {
    for (const message of [
      'Reached the max retries per request limit (which is 3). Refer to "maxRetriesPerRequest" option for details.',
      'Command timed out',
      'Connection is closed.',
      "Stream isn't writeable and enableOfflineQueue options is false",
      'LOADING Redis is loading the dataset in memory',
      "OOM command not allowed when used memory > 'maxmemory'.",
    ]) {
      expect(isRedisUnavailable(new Error(message))).toBe(true);
      expect(unavailableDependency(new Error('wrapped', { cause: new Error(message) }))).toBe('redis');
    }
    expect(unavailableDependency(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(
      undefined,
    );
    // grammY's BotError (what a webhook request rethrows) is looked through.
    const botError = Object.assign(new Error('wrapped'), { name: 'BotError', error: new Error('Command timed out') });
    expect(unavailableDependency(botError)).toBe('redis');
  });
});

describe('Outages', () => {
  it('logs an outage once, ends it when the probe answers, and shows it in /metrics', async () => {
    const { lines, log } = recorder();
    const metrics = createMetrics();
    let up = false;
    const recovered: string[] = [];
    const outages = new Outages({
      log,
      metrics,
      checks: { redis: async () => (up ? undefined : Promise.reject(new Error('down'))) },
      probeEveryMs: 20,
    });
    outages.onRecovered((dependency) => recovered.push(dependency));
    for (let i = 0; i < 5; i++) outages.noticed(new Error('Command timed out'));
    outages.answered('redis', 'http');
    expect(outages.isDown('redis')).toBe(true);
    expect(lines.filter((l) => l.level === 'error')).toEqual([
      { level: 'error', msg: 'Redis unreachable; answering 503 until it is back (logged once per outage)' },
    ]);
    let body = (await metrics.render()).body;
    expect(body).toContain('dependency_up{dependency="redis"} 0');
    expect(body).toContain('dependency_up{dependency="postgres"} 1');
    expect(body).toContain('dependency_outages_total{dependency="redis"} 1');
    expect(body).toContain('dependency_unavailable_answers_total{dependency="redis",surface="http"} 1');

    up = true;
    while (outages.isDown('redis')) await new Promise((r) => setTimeout(r, 10));
    expect(recovered).toEqual(['redis']);
    expect(lines.filter((l) => l.level === 'info').map((l) => l.msg)).toEqual(['Redis reachable again']);
    body = (await metrics.render()).body;
    expect(body).toContain('dependency_up{dependency="redis"} 1');
    outages.close();
  });

  it('without a probe, an outage ends after a quiet period (the next error starts a new one)', () => {
    const { lines, log } = recorder();
    let now = 0;
    const outages = new Outages({ log, quietMs: 1_000, now: () => now });
    expect(outages.down('postgres')).toBe(true);
    now = 500;
    expect(outages.down('postgres')).toBe(false);
    now = 2_000;
    expect(outages.down('postgres')).toBe(true);
    expect(lines.map((l) => l.msg)).toEqual([
      'PostgreSQL unreachable; answering 503 until it is back (logged once per outage)',
      'PostgreSQL reachable again',
      'PostgreSQL unreachable; answering 503 until it is back (logged once per outage)',
    ]);
  });
});
