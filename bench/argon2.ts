import { randomBytes, type ScryptOptions, scrypt as scryptCallback } from 'node:crypto';
import { entities } from '../src/entities.js';
import { login } from '../src/features/accounts/login.js';
import { LoginThrottle } from '../src/features/accounts/login-throttle.js';
import { User } from '../src/features/users/user.entity.js';
import { SigningKeys } from '../src/platform/auth/keys.js';
import { ARGON2_OPTIONS, MAX_CONCURRENT_HASHES, PasswordHasher } from '../src/platform/auth/passwords.js';
import { createOrm } from '../src/platform/db/orm.js';
import { connectRedis, createRedis } from '../src/platform/redis.js';
import { ascending, type BenchEnv, type Benchmark, fmt, markdownTable, quantile, round } from './harness.js';

/**
 * What a password costs at the chosen Argon2id parameters (OWASP: 19 MiB, t=2, p=1): one hash
 * and one verification alone, a burst of concurrent logins through the per-process cap of
 * MAX_CONCURRENT_HASHES (and, for comparison, without it), scrypt at OWASP's settings
 * (N=2^17, r=8, p=1) measured in the same run as the baseline, and whole logins through the
 * domain use case: unknown username vs wrong password vs success, which must cost about the same.
 */

const ROUNDS = intFromEnv('BENCH_ARGON2_ROUNDS', 20);
const SCRYPT_ROUNDS = intFromEnv('BENCH_SCRYPT_ROUNDS', 10);
const SCRYPT: ScryptOptions = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 };
const PASSWORD = 'correct horse battery staple';

interface Series {
  name: string;
  /** Milliseconds of each operation (for concurrent runs: from submission, queueing included). */
  samples: number[];
  /** Wall time of the whole series. */
  wallMs: number;
}

function scrypt(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, 64, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function sequential(name: string, rounds: number, op: () => Promise<unknown>): Promise<Series> {
  const started = performance.now();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) samples.push(await timed(op));
  return { name, samples, wallMs: performance.now() - started };
}

async function concurrent(name: string, rounds: number, op: () => Promise<unknown>): Promise<Series> {
  const started = performance.now();
  const samples = await Promise.all(Array.from({ length: rounds }, () => timed(op)));
  return { name, samples, wallMs: performance.now() - started };
}

function summarize(series: Series) {
  const sorted = ascending(series.samples);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    name: series.name,
    n: sorted.length,
    meanMs: round(mean),
    p50Ms: round(quantile(sorted, 0.5)),
    p95Ms: round(quantile(sorted, 0.95)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
    wallMs: round(series.wallMs),
    perSecond: round((sorted.length / series.wallMs) * 1000),
  };
}

function table(rows: ReturnType<typeof summarize>[]): string {
  return markdownTable(
    ['operation', 'n', 'mean ms', 'p50 ms', 'p95 ms', 'max ms', 'wall ms', 'ops/s'],
    rows.map((r) => [
      r.name,
      String(r.n),
      fmt(r.meanMs),
      fmt(r.p50Ms),
      fmt(r.p95Ms),
      fmt(r.maxMs),
      fmt(r.wallMs, 0),
      fmt(r.perSecond),
    ]),
  );
}

async function hashing() {
  const capped = new PasswordHasher();
  // Same parameters, no practical cap: what a burst would do without the semaphore.
  const uncapped = new PasswordHasher(ARGON2_OPTIONS, 1_000);
  const stored = await capped.hash(PASSWORD);
  await capped.warmUp();
  const salt = randomBytes(16);
  await scrypt(PASSWORD, salt); // warm the thread pool

  const series = [
    await sequential('argon2id hash, one at a time', ROUNDS, () => capped.hash(PASSWORD)),
    await sequential('argon2id verify (right), one at a time', ROUNDS, () => capped.verify(PASSWORD, stored)),
    await sequential('argon2id verify (wrong), one at a time', ROUNDS, () => capped.verify('wrong', stored)),
    await sequential('argon2id verify (dummy: unknown user)', ROUNDS, () => capped.verify(PASSWORD, null)),
    await concurrent(`argon2id verify, ${ROUNDS} at once, cap ${MAX_CONCURRENT_HASHES}`, ROUNDS, () =>
      capped.verify(PASSWORD, stored),
    ),
    await concurrent(`argon2id verify, ${ROUNDS} at once, no cap`, ROUNDS, () => uncapped.verify(PASSWORD, stored)),
    await sequential('scrypt N=2^17 r=8 p=1, one at a time', SCRYPT_ROUNDS, () => scrypt(PASSWORD, salt)),
  ];
  return series.map(summarize);
}

/** Whole logins through the use case (DB lookup, throttle script, verification, tokens on success). */
async function logins(env: BenchEnv) {
  const orm = await createOrm({ entities, databaseUrl: env.databaseUrl, pgliteDir: '' });
  const redis = createRedis(env.redisUrl, { connectionName: 'gramdesk:bench-argon2' });
  try {
    await connectRedis(redis, env.redisUrl);
    const keys = await SigningKeys.load(() => orm.em.fork());
    const hasher = new PasswordHasher();
    await hasher.warmUp();
    const em = orm.em.fork();
    em.create(User, { username: 'bench_user', passwordHash: await hasher.hash(PASSWORD), accountState: 'active' });
    await em.flush();
    // Limits out of the way: this measures cost, not throttling.
    const throttle = new LoginThrottle(redis, env.keyPrefix, { perUsername: 1e9, perIp: 1e9, windowMs: 60_000 });
    const ctx = { keys, issuer: 'http://localhost:3000', throttle, hasher };
    const attempt = (username: string, password: string) => () =>
      login(orm.em.fork(), ctx, { username, password, ip: '192.0.2.1' }).catch(() => undefined);
    let unknown = 0;
    const series = [
      await sequential('login: unknown username', ROUNDS, () => attempt(`nobody_${unknown++}`, PASSWORD)()),
      await sequential('login: wrong password', ROUNDS, attempt('bench_user', 'wrong password')),
      await sequential('login: success (incl. tokens)', ROUNDS, attempt('bench_user', PASSWORD)),
    ];
    return series.map(summarize);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
    await orm.close(true);
  }
}

export const argon2Bench: Benchmark = {
  name: 'argon2',
  title: 'password hashing cost: Argon2id (OWASP) vs scrypt, concurrency cap, login timing',
  async run(env) {
    const hashes = await hashing();
    const loginRows = await logins(env);
    const argonVerify = hashes.find((r) => r.name.startsWith('argon2id verify (right)'));
    const scryptRow = hashes.find((r) => r.name.startsWith('scrypt'));
    const ratio = argonVerify && scryptRow ? scryptRow.p50Ms / argonVerify.p50Ms : Number.NaN;
    const report = [
      `Argon2id m=${ARGON2_OPTIONS.memoryCost} KiB, t=${ARGON2_OPTIONS.timeCost}, p=${ARGON2_OPTIONS.parallelism}; ` +
        `scrypt N=2^17, r=8, p=1 (${SCRYPT_ROUNDS} rounds). Concurrent rows time each operation from submission.`,
      table(hashes),
      `scrypt / argon2id verify (p50): ${fmt(ratio)}×`,
      table(loginRows),
    ];
    return {
      report,
      data: { argon2: ARGON2_OPTIONS, scrypt: { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }, hashes, logins: loginRows },
    };
  },
};

function intFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
