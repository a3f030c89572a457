import { AsyncLocalStorage } from 'node:async_hooks';
import { loadavg } from 'node:os';
import { tasksVersionKey } from '../src/features/tasks/jobs/reminders.js';
import { Task } from '../src/features/tasks/task.entities.js';
import { User } from '../src/features/users/user.entity.js';
import { createTranslator } from '../src/platform/i18n/translator.js';
import { openProbedBot } from './bot-stack.js';
import { ascending, type BenchEnv, type Benchmark, fmt, markdownTable, profiled, quantile, round } from './harness.js';
import { type ButtonLabel, otherRefusals, SimulatedUser } from './simulated-user.js';

/**
 * Issue #4 (bot): updates per second through the whole bot (ORM context, sequentialize, Redis
 * session and conversations, the cached user row, i18n, menus) for the task screens: paging and
 * filtering the list (served from the session snapshot, no SQL by design) and opening a card
 * (one query by design), with SQL statements, Redis commands and Bot API calls per update.
 *
 * Many users browse at once (`CONCURRENCY` in flight); each user's updates are sequential, as
 * Telegram delivers them per chat, and every click presses a button of the previous answer.
 */

const USERS = intFromEnv('BENCH_TASKS_USERS', 100);
const TASKS_PER_USER = intFromEnv('BENCH_TASKS_PER_USER', 30);
const CONCURRENCY = intFromEnv('BENCH_TASKS_CONCURRENCY', 16);
const UPDATES = intFromEnv('BENCH_TASKS_UPDATES', 10_000);
const FIRST_USER_ID = 910_000_001;

type Kind = 'command /tasks' | 'page ◀ ▶' | 'filter' | 'open card' | 'card → list';
const KINDS: Kind[] = ['command /tasks', 'page ◀ ▶', 'filter', 'open card', 'card → list'];
type Step = { kind: 'command /tasks' } | { kind: Exclude<Kind, 'command /tasks'>; label: ButtonLabel };

interface Probe {
  sql: number;
  tx: number;
  redis: number;
  api: number;
  statements: string[];
}

interface Sample {
  kind: Kind;
  ms: number;
  sql: number;
  tx: number;
  redis: number;
  api: number;
}

const probes = new AsyncLocalStorage<Probe>();

export const botTasks: Benchmark = {
  name: 'bot-tasks',
  title: 'Bot task screens: list paging, filters and card opening per second, with SQL per update',
  async run(env) {
    const t = createTranslator().forLocale('en');
    const cycle: Step[] = [
      { kind: 'command /tasks' },
      { kind: 'page ◀ ▶', label: '▶️' },
      { kind: 'page ◀ ▶', label: '▶️' },
      { kind: 'page ◀ ▶', label: '◀️' },
      { kind: 'filter', label: t('tasks-filter-all') },
      { kind: 'page ◀ ▶', label: '▶️' },
      { kind: 'open card', label: { startsWith: '⏳ ' } },
      { kind: 'card → list', label: t('task-back-to-list') },
      { kind: 'filter', label: t('tasks-filter-open') },
      { kind: 'open card', label: { startsWith: '⏳ ' } },
      { kind: 'card → list', label: t('task-back-to-list') },
      { kind: 'page ◀ ▶', label: '▶️' },
    ];

    const stack = await buildStack(env);
    try {
      await seed(stack, env);
      const users = Array.from(
        { length: USERS },
        (_, i) => new SimulatedUser(stack.api, FIRST_USER_ID + i, `User${i}`, 'en'),
      );
      // Warm-up: one cycle per user (loads each user's snapshot and caches the user rows).
      await drive(stack, users, cycle, undefined);
      const statements = new Map<Kind, Map<string, number>>();
      const run = await profiled('bot-tasks', () => drive(stack, users, cycle, UPDATES, statements));
      return report(run, statements, stack);
    } finally {
      await stack.close();
    }
  },
};

function buildStack(env: BenchEnv) {
  return openProbedBot(env, probes, {
    name: 'tasks',
    // Browsing changes no task; the version key is what the list snapshot checks.
    taskEffects: (redis) => ({
      changed: async (...userIds) => {
        for (const id of userIds) if (id) await redis.incr(tasksVersionKey(env.keyPrefix, id));
      },
      reminders: async () => undefined,
      notify: async () => 'none' as const,
    }),
  });
}

type Stack = Awaited<ReturnType<typeof buildStack>>;

/** Every user with TASKS_PER_USER open tasks (a third of them also get one done task, for the filters). */
async function seed(stack: Stack, _env: BenchEnv): Promise<void> {
  const em = stack.orm.em.fork();
  for (let i = 0; i < USERS; i++) {
    const owner = em.create(User, {
      telegramId: FIRST_USER_ID + i,
      telegramFirstName: `User${i}`,
      language: 'en',
      lastSeenAt: new Date(),
    });
    for (let n = 1; n <= TASKS_PER_USER; n++) {
      em.create(Task, { owner, title: `Task ${n} of user ${i}`, status: n % 3 === 0 ? 'done' : 'todo' });
    }
    if (i % 20 === 19) {
      await em.flush();
      em.clear();
    }
  }
  await em.flush();
}

async function drive(
  stack: Stack,
  users: SimulatedUser[],
  cycle: Step[],
  total: number | undefined,
  statements?: Map<Kind, Map<string, number>>,
) {
  const limit = total ?? Number.POSITIVE_INFINITY;
  const idle = [...users];
  const samples: Sample[] = [];
  let issued = 0;
  const worker = async () => {
    for (;;) {
      const user = idle.shift();
      if (!user) return;
      for (const step of cycle) {
        if (issued >= limit) break;
        issued++;
        const update = step.kind === 'command /tasks' ? user.command('tasks') : user.click(step.label);
        const probe: Probe = { sql: 0, tx: 0, redis: 0, api: 0, statements: [] };
        const started = performance.now();
        await probes.run(probe, () => stack.bot.handleUpdate(update));
        samples.push({ kind: step.kind, ms: performance.now() - started, ...probe });
        if (statements) {
          const byStatement = statements.get(step.kind) ?? new Map<string, number>();
          for (const sql of probe.statements) byStatement.set(sql, (byStatement.get(sql) ?? 0) + 1);
          statements.set(step.kind, byStatement);
        }
      }
      if (issued >= limit) return;
      if (total !== undefined) idle.push(user);
    }
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, users.length) }, worker));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { samples, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function summarize(samples: readonly Sample[], wallMs?: number) {
  const n = samples.length;
  const sorted = ascending(samples.map((s) => s.ms));
  const mean = (pick: (s: Sample) => number) => (n ? samples.reduce((acc, s) => acc + pick(s), 0) / n : Number.NaN);
  return {
    updates: n,
    updatesPerSecond: wallMs ? (n / wallMs) * 1000 : Number.NaN,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    sql: mean((s) => s.sql),
    maxSql: samples.reduce((max, s) => Math.max(max, s.sql), 0),
    roundTrips: mean((s) => s.sql + 2 * s.tx),
    redis: mean((s) => s.redis),
    api: mean((s) => s.api),
  };
}

function report(run: Awaited<ReturnType<typeof drive>>, statements: Map<Kind, Map<string, number>>, stack: Stack) {
  const all = summarize(run.samples, run.wallMs);
  const kinds = Object.fromEntries(
    KINDS.map((kind) => [kind, summarize(run.samples.filter((s) => s.kind === kind))]),
  ) as Record<Kind, ReturnType<typeof summarize>>;
  const paging = summarize(run.samples.filter((s) => s.kind === 'page ◀ ▶' || s.kind === 'filter'));
  const card = kinds['open card'];

  const main = markdownTable(
    ['updates', 'updates/s', 'p50 ms', 'p99 ms', 'SQL/update', 'Redis cmds/update', 'Bot API calls/update'],
    [
      [
        String(all.updates),
        fmt(all.updatesPerSecond, 0),
        fmt(all.p50),
        fmt(all.p99),
        fmt(all.sql),
        fmt(all.redis),
        fmt(all.api),
      ],
    ],
  );
  const breakdown = markdownTable(
    [
      'update kind',
      'updates',
      'p50 ms',
      'p99 ms',
      'SQL/update',
      'max SQL',
      'SQL round trips',
      'Redis cmds',
      'Bot API calls',
    ],
    KINDS.map((kind) => {
      const s = kinds[kind];
      return [
        kind,
        String(s.updates),
        fmt(s.p50),
        fmt(s.p99),
        fmt(s.sql),
        String(s.maxSql),
        fmt(s.roundTrips),
        fmt(s.redis),
        fmt(s.api),
      ];
    }),
  );
  const goals = [
    `paging and filters: ${fmt(paging.sql)} SQL/update (max ${paging.maxSql}; goal 0: ${paging.maxSql === 0 ? 'met' : 'NOT met'})`,
    `opening a card: ${fmt(card.sql)} SQL/update (max ${card.maxSql}; goal ≤ 1: ${card.maxSql <= 1 ? 'met' : 'NOT met'})`,
    `Node process CPU: ${fmt((run.cpuMs / all.updates) * 1000, 0)} µs/update, ${fmt((run.cpuMs / run.wallMs) * 100, 0)}% of one core (PostgreSQL and Redis share the cores)`,
  ];
  const statementLines = KINDS.flatMap((kind) => {
    const byStatement = statements.get(kind);
    const count = kinds[kind].updates;
    if (!byStatement?.size || !count) return [];
    return [
      `SQL per ${kind} (statements per update):`,
      ...[...byStatement.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([sql, n]) => `  ${(n / count).toFixed(2)}  ${sql}`),
    ];
  });
  const problems = [
    ...stack.errors.slice(0, 3).map((e) => `error logged: ${e}`),
    ...(stack.api.anomalies.doubleAnswers
      ? [`${stack.api.anomalies.doubleAnswers} callback queries answered twice`]
      : []),
    ...(stack.api.anomalies.missingEdits ? [`${stack.api.anomalies.missingEdits} edits of unknown messages`] : []),
    ...otherRefusals(stack.api),
  ];
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const config =
    `load average: ${load}; ${USERS} users with ${TASKS_PER_USER} tasks each, ${CONCURRENCY} in flight, ` +
    `${UPDATES} measured updates after a warm-up cycle per user; per cycle: 1 /tasks, 4 page clicks, ` +
    '2 filter switches, 2 card openings, 2 card → list';
  return {
    report: [
      config,
      main,
      goals.join('\n'),
      breakdown,
      statementLines.join('\n'),
      ...(stack.unattributed() ? [`note: ${stack.unattributed()} SQL statements ran outside any update`] : []),
      ...(problems.length ? [['problems seen:', ...problems.map((p) => `  - ${p}`)].join('\n')] : []),
    ],
    data: {
      config: { users: USERS, tasksPerUser: TASKS_PER_USER, concurrency: CONCURRENCY, updates: UPDATES },
      goals: {
        pagingSql: { goal: 0, mean: round(paging.sql, 3), max: paging.maxSql, met: paging.maxSql === 0 },
        cardSql: { goal: 1, mean: round(card.sql, 3), max: card.maxSql, met: card.maxSql <= 1 },
      },
      all: roundSummary(all),
      byKind: Object.fromEntries(KINDS.map((kind) => [kind, roundSummary(kinds[kind])])),
      nodeCpuMs: round(run.cpuMs, 1),
      wallMs: round(run.wallMs, 1),
      statements: Object.fromEntries(
        [...statements.entries()].map(([kind, m]) => [kind, Object.fromEntries([...m.entries()])]),
      ),
      problems,
    },
  };
}

function roundSummary(s: ReturnType<typeof summarize>) {
  return {
    updates: s.updates,
    ...(Number.isFinite(s.updatesPerSecond) ? { updatesPerSecond: round(s.updatesPerSecond, 0) } : {}),
    p50Ms: round(s.p50, 3),
    p99Ms: round(s.p99, 3),
    sqlPerUpdate: round(s.sql, 3),
    maxSql: s.maxSql,
    sqlRoundTripsPerUpdate: round(s.roundTrips, 3),
    redisPerUpdate: round(s.redis, 3),
    botApiCallsPerUpdate: round(s.api, 3),
  };
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}
