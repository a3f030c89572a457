import { AsyncLocalStorage } from 'node:async_hooks';
import { loadavg } from 'node:os';
import { Bot, type Context, InlineKeyboard, MemorySessionStorage, type SessionFlavor, session } from 'grammy';
import type { Update } from 'grammy/types';
import { createTranslator } from '../src/platform/i18n/translator.js';
import { FakeBotApi, TEST_BOT_INFO } from '../test/helpers/fake-bot-api.js';
import { openProbedBot } from './bot-stack.js';
import { ascending, type BenchEnv, type Benchmark, fmt, markdownTable, profiled, quantile, round } from './harness.js';
import { type ButtonLabel, otherRefusals, SimulatedUser } from './simulated-user.js';

/**
 * Updates per second through the whole Gramdesk bot (ORM context, sequentialize, Redis-backed
 * lazy session and conversations, the user row from PostgreSQL, i18n, menus) for a realistic
 * mix of commands and menu clicks, next to a bare grammY bot with an in-memory session that
 * makes the same Bot API calls, plus SQL statements and Redis commands per update.
 *
 * Many users talk at once (`CONCURRENCY` in flight); each user's updates are sequential, as
 * Telegram delivers them per chat, and a click needs the keyboard of the previous answer.
 * A second, navigation-only pass gives the CPU cost of an update that only moves between
 * screens (issue 17's per-navigation-update goal), for both stacks.
 */

const USERS = intFromEnv('BENCH_BOT_USERS', 200);
const CONCURRENCY = intFromEnv('BENCH_BOT_CONCURRENCY', 16);
const UPDATES = intFromEnv('BENCH_BOT_UPDATES', 10_000);
const NAV_UPDATES = intFromEnv('BENCH_BOT_NAV_UPDATES', 5_000);
const ROUNDS = intFromEnv('BENCH_BOT_ROUNDS', 5);
/** Issue 17: ≥ 5,000 updates/s on the mix, ≥ 0.25 of bare grammY, ≤ 200 µs of CPU per navigation update. */
const GOAL_UPDATES_PER_SECOND = 5_000;
const GOAL_RATIO = 0.25;
const GOAL_NAV_CPU_US = 200;
const GOAL_SQL_PER_CLICK = 1;
const BOT_TOKEN = `${TEST_BOT_INFO.id}:BENCH-token`;
const FIRST_USER_ID = 900_000_001;

type Kind = 'command' | 'nav click' | 'settings click';
type Step = { kind: 'command'; command: string } | { kind: 'nav click' | 'settings click'; label: ButtonLabel };

/** Counters of one update, filled in through AsyncLocalStorage while it is handled. */
interface Probe {
  kind: Kind;
  /** Statements seen by createOrm's onQuery hook (what the app's query metric counts). */
  sql: number;
  /** Transactions MikroORM opened: each adds BEGIN and COMMIT round trips that onQuery does not see. */
  tx: number;
  redis: number;
  api: number;
  answers: number;
  statements: string[] | undefined;
}

interface Sample {
  kind: Kind;
  ms: number;
  /** When the update was done, ms after the run started (for the worst one-second window). */
  doneAt: number;
  sql: number;
  tx: number;
  redis: number;
  api: number;
  answers: number;
}

interface Stack {
  name: string;
  api: FakeBotApi;
  handle(update: Update): Promise<void>;
  /** SQL statements sent outside any update (none expected); only the Gramdesk stack has a database. */
  unattributedSql?: () => number;
}

interface RunStats {
  stack: string;
  updates: number;
  wallMs: number;
  /** CPU time of this Node process (the bot; PostgreSQL and Redis run elsewhere). */
  cpuMs: number;
  samples: Sample[];
  unattributedSql: number;
  statements: Map<Kind, Map<string, number>>;
}

const probes = new AsyncLocalStorage<Probe>();

export const botUpdates: Benchmark = {
  name: 'bot',
  title: 'Bot updates per second: Gramdesk stack vs bare grammY',
  async run(env) {
    const translator = createTranslator();
    const t = translator.forLocale('en');
    const labels = {
      settings: t('menu-settings'),
      help: t('menu-help'),
      back: t('back'),
      language: t('settings-language'),
      notifications: { startsWith: t('settings-notifications', { state: '' }) },
    };
    // One user's session: a mix of commands, navigation and a settings change.
    const cycle: Step[] = [
      { kind: 'command', command: 'start' },
      { kind: 'nav click', label: labels.settings },
      { kind: 'nav click', label: labels.back },
      { kind: 'nav click', label: labels.settings },
      { kind: 'settings click', label: labels.notifications },
      { kind: 'nav click', label: labels.language },
      { kind: 'nav click', label: labels.back },
      { kind: 'nav click', label: labels.back },
      { kind: 'command', command: 'menu' },
      { kind: 'nav click', label: labels.help },
      { kind: 'nav click', label: labels.back },
    ];

    const gramdesk = await buildGramdesk(env);
    try {
      const bare = buildBare(labels, t);
      const stacks = [gramdesk.stack, bare];
      const usersOf = new Map(stacks.map((s) => [s, makeUsers(s.api)]));

      // Warm-up: every user goes through the cycle once (Gramdesk creates the user rows here).
      for (const stack of stacks) await drive(stack, usersOf.get(stack) ?? [], cycle, undefined, false);
      for (const stack of stacks) stack.api.clear();
      // ROUNDS rounds, the two stacks one after the other in each: a bare run lasts under half a
      // second and this 2-core VM's speed drifts by tens of per cent within a minute, so one pair
      // of runs put the ratio anywhere between 0.22 and 0.28. The ratio is taken within each round
      // and the median round's is the verdict; statements are collected (and a profile recorded)
      // in the first round only.
      const rounds: RunStats[][] = stacks.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, stack] of stacks.entries()) {
          const users = usersOf.get(stack) ?? [];
          const go = () => drive(stack, users, cycle, UPDATES, round === 0);
          rounds[i]?.push(round === 0 ? await profiled(`bot-${stack.name.replace(/\W+/g, '-')}`, go) : await go());
        }
      }

      // Navigation only (issue 17's CPU goal is per navigation update): every user back at the
      // main menu by a command (not measured), then clicks that only move between screens.
      const navCycle: Step[] = [
        { kind: 'nav click', label: labels.settings },
        { kind: 'nav click', label: labels.language },
        { kind: 'nav click', label: labels.back },
        { kind: 'nav click', label: labels.back },
        { kind: 'nav click', label: labels.help },
        { kind: 'nav click', label: labels.back },
      ];
      const navigation: RunStats[] = [];
      for (const stack of stacks) {
        const users = usersOf.get(stack) ?? [];
        await drive(stack, users, [{ kind: 'command', command: 'menu' }], undefined, false);
        navigation.push(
          await profiled(`bot-nav-${stack.name.replace(/\W+/g, '-')}`, () =>
            drive(stack, users, navCycle, NAV_UPDATES, false),
          ),
        );
      }

      const problems = [...gramdesk.errors.slice(0, 3)];
      for (const stack of stacks) {
        const { doubleAnswers, missingEdits } = stack.api.anomalies;
        if (doubleAnswers) {
          const measured = (rounds[stacks.indexOf(stack)] ?? []).flatMap((r) => r.samples.filter((x) => x.answers > 1));
          const byKind = countBy(measured.map((x) => x.kind));
          problems.push(
            `${stack.name}: ${doubleAnswers} callback queries answered twice (Telegram rejects the second answer); ` +
              `in the measured runs: ${Object.entries(byKind)
                .map(([k, n]) => `${n} × ${k}`)
                .join(', ')}`,
          );
        }
        if (missingEdits) problems.push(`${stack.name}: ${missingEdits} edits of unknown messages`);
        problems.push(...otherRefusals(stack.api).map((r) => `${stack.name}: ${r}`));
      }
      if (gramdesk.errors.length) problems.unshift(`gramdesk: ${gramdesk.errors.length} errors logged`);
      return report(rounds, navigation, stacks, problems);
    } finally {
      await gramdesk.close();
    }
  },
};

async function buildGramdesk(env: BenchEnv) {
  const probed = await openProbedBot(env, probes, { name: 'bot' });
  const stack: Stack = {
    name: 'gramdesk',
    api: probed.api,
    handle: (update) => probed.bot.handleUpdate(update),
    unattributedSql: probed.unattributed,
  };
  return { stack, errors: probed.errors, close: probed.close };
}

interface BareSession {
  screen: string;
  notifications: boolean;
}
type BareContext = Context & SessionFlavor<BareSession>;

/**
 * The floor: grammY with an in-memory session and static texts and keyboards, answering the
 * same updates with the same Bot API calls (a reply per command; answer + edit per click).
 */
function buildBare(
  labels: { settings: string; help: string; back: string; language: string; notifications: { startsWith: string } },
  t: (key: string, args?: Record<string, string>) => string,
): Stack {
  const nav = (screen: string) => `nav:${screen}`;
  const settingsKeyboard = (on: boolean) =>
    new InlineKeyboard()
      .text(labels.language, nav('language'))
      .text(t('settings-timezone'), nav('settings'))
      .row()
      .text(`${labels.notifications.startsWith}${on ? t('on') : t('off')}`, 'toggle')
      .row()
      .text(t('settings-phone'), nav('settings'))
      .row()
      .text(t('settings-name'), nav('settings'))
      .row()
      .text(labels.back, nav('main'));
  const keyboards: Record<string, InlineKeyboard> = {
    main: new InlineKeyboard().text(labels.settings, nav('settings')).row().text(labels.help, nav('help')),
    help: new InlineKeyboard().text(labels.back, nav('main')),
    language: new InlineKeyboard()
      .text('🇷🇺 Русский', nav('settings'))
      .text('🇬🇧 English', nav('settings'))
      .row()
      .text(labels.back, nav('settings')),
    'settings:on': settingsKeyboard(true),
    'settings:off': settingsKeyboard(false),
  };
  const texts: Record<string, string> = {
    main: t('main-menu'),
    help: t('help'),
    language: t('settings-choose-language'),
    settings: t('settings-title'),
  };
  const view = (s: BareSession) => ({
    text: texts[s.screen] ?? '',
    reply_markup: keyboards[s.screen === 'settings' ? `settings:${s.notifications ? 'on' : 'off'}` : s.screen],
  });

  const api = new FakeBotApi({ botInfo: TEST_BOT_INFO, recordCalls: false, keepPerChat: 4 });
  api.onCall = (method) => {
    const probe = probes.getStore();
    if (!probe) return;
    probe.api++;
    if (method === 'answerCallbackQuery') probe.answers++;
  };
  const bot = new Bot<BareContext>(BOT_TOKEN, {
    botInfo: TEST_BOT_INFO,
    client: { apiRoot: 'http://telegram.invalid', fetch: api.fetch as never },
  });
  bot.use(
    session({
      initial: () => ({ screen: 'main', notifications: true }),
      storage: new MemorySessionStorage<BareSession>(),
    }),
  );
  bot.command(['start', 'menu'], async (ctx) => {
    ctx.session.screen = 'main';
    const { text, reply_markup } = view(ctx.session);
    await ctx.reply(text, { reply_markup });
  });
  bot.on('callback_query:data', async (ctx) => {
    const data = ctx.callbackQuery.data;
    if (data === 'toggle') {
      ctx.session.notifications = !ctx.session.notifications;
      ctx.session.screen = 'settings';
    } else {
      ctx.session.screen = data.slice('nav:'.length);
    }
    await ctx.answerCallbackQuery();
    const { text, reply_markup } = view(ctx.session);
    await ctx.editMessageText(text, { reply_markup });
  });
  return { name: 'bare grammY', api, handle: (update) => bot.handleUpdate(update) };
}

function makeUsers(api: FakeBotApi): SimulatedUser[] {
  return Array.from({ length: USERS }, (_, i) => new SimulatedUser(api, FIRST_USER_ID + i, `User${i}`, 'en'));
}

/**
 * Sends `total` updates: `CONCURRENCY` workers each take the next idle user, walk them
 * through the cycle (sequentially, like Telegram per chat) and put them back. Without
 * `total`, every user goes through the cycle exactly once (the warm-up).
 */
async function drive(
  stack: Stack,
  users: SimulatedUser[],
  cycle: Step[],
  total: number | undefined,
  collect: boolean,
): Promise<RunStats> {
  const limit = total ?? Number.POSITIVE_INFINITY;
  const idle = [...users];
  const samples: Sample[] = [];
  const statements = new Map<Kind, Map<string, number>>();
  let issued = 0;
  const unattributedBefore = stack.unattributedSql?.() ?? 0;

  const worker = async () => {
    for (;;) {
      const user = idle.shift();
      if (!user) return;
      for (const step of cycle) {
        if (issued >= limit) break;
        issued++;
        const update = step.kind === 'command' ? user.command(step.command) : user.click(step.label);
        const probe: Probe = {
          kind: step.kind,
          sql: 0,
          tx: 0,
          redis: 0,
          api: 0,
          answers: 0,
          statements: collect ? [] : undefined,
        };
        const sent = performance.now();
        await probes.run(probe, () => stack.handle(update));
        const done = performance.now();
        const ms = done - sent;
        const { sql, tx, redis, api, answers } = probe;
        samples.push({ kind: step.kind, ms, doneAt: done - started, sql, tx, redis, api, answers });
        if (probe.statements) {
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
  return {
    stack: stack.name,
    updates: samples.length,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    samples,
    unattributedSql: (stack.unattributedSql?.() ?? 0) - unattributedBefore,
    statements,
  };
}

interface Summary {
  updates: number;
  updatesPerSecond: number;
  worstSecond: number;
  p50: number;
  p99: number;
  sql: number;
  /** SQL round trips including BEGIN and COMMIT of implicit transactions. */
  roundTrips: number;
  redis: number;
  api: number;
}

/** Updates done in the slowest whole second of the run (NaN for a run shorter than a second). */
function worstSecond(samples: readonly Sample[], wallMs: number): number {
  const seconds = Math.floor(wallMs / 1000);
  if (seconds < 1) return Number.NaN;
  const perSecond = new Array<number>(seconds).fill(0);
  for (const s of samples) {
    const second = Math.floor(s.doneAt / 1000);
    if (second < seconds) perSecond[second] = (perSecond[second] ?? 0) + 1;
  }
  return Math.min(...perSecond);
}

function summarize(samples: readonly Sample[], wallMs?: number): Summary {
  const n = samples.length;
  const sorted = ascending(samples.map((s) => s.ms));
  const sum = (pick: (s: Sample) => number) => samples.reduce((acc, s) => acc + pick(s), 0);
  return {
    updates: n,
    updatesPerSecond: wallMs ? (n / wallMs) * 1000 : Number.NaN,
    worstSecond: wallMs ? worstSecond(samples, wallMs) : Number.NaN,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    sql: n ? sum((s) => s.sql) / n : Number.NaN,
    roundTrips: n ? sum((s) => s.sql + 2 * s.tx) / n : Number.NaN,
    redis: n ? sum((s) => s.redis) / n : Number.NaN,
    api: n ? sum((s) => s.api) / n : Number.NaN,
  };
}

const isClick = (s: Sample) => s.kind !== 'command';

/** A run's rate over its whole wall time. */
const rateOf = (r: RunStats) => (r.updates / r.wallMs) * 1000;

/**
 * The stacks' rounds → the run shown for each (its median-rate round; Gramdesk's keeps the SQL
 * statements collected in the first round) and the ratio of every round, in round order.
 */
function medianRounds(rounds: RunStats[][]): { shown: RunStats[]; ratios: number[] } {
  const shown = rounds.map((runs) => {
    const median = [...runs].sort((a, b) => rateOf(a) - rateOf(b))[Math.floor((runs.length - 1) / 2)];
    if (!median) throw new Error('every stack must have run');
    return { ...median, statements: runs[0]?.statements ?? median.statements };
  });
  const [gd = [], bare = []] = rounds;
  return { shown, ratios: gd.map((r, k) => rateOf(r) / rateOf(bare[k] as RunStats)) };
}

function report(rounds: RunStats[][], navigation: RunStats[], stacks: Stack[], problems: string[]) {
  const { shown: results, ratios } = medianRounds(rounds);
  const [gd, bare] = results;
  if (!gd || !bare) throw new Error('both stacks must have run');
  const rows = results.map((r) => ({
    stack: r.stack,
    wallMs: r.wallMs,
    cpuMs: r.cpuMs,
    all: summarize(r.samples, r.wallMs),
    clicks: summarize(r.samples.filter(isClick)),
    kinds: Object.fromEntries(
      (['command', 'nav click', 'settings click'] as const).map((k) => [
        k,
        summarize(r.samples.filter((s) => s.kind === k)),
      ]),
    ) as Record<Kind, Summary>,
  }));
  const [gdRow, bareRow] = rows;
  if (!gdRow || !bareRow) throw new Error('both stacks must have run');

  const main = markdownTable(
    ['stack', 'updates', 'updates/s', 'worst 1 s', 'p50 ms', 'p99 ms', 'SQL/update (all)', 'SQL/menu click'],
    rows.map((r) => [
      r.stack,
      String(r.all.updates),
      fmt(r.all.updatesPerSecond, 0),
      fmt(r.all.worstSecond, 0),
      fmt(r.all.p50),
      fmt(r.all.p99),
      fmt(r.all.sql),
      fmt(r.clicks.sql),
    ]),
  );
  const ratio = quantile(ascending(ratios), 0.5);
  const speedMet = gdRow.all.updatesPerSecond >= GOAL_UPDATES_PER_SECOND;
  const sqlMet = gdRow.clicks.sql <= GOAL_SQL_PER_CLICK;
  const nav = gdRow.kinds['nav click'];
  const change = gdRow.kinds['settings click'];
  const [gdNav, bareNav] = navigation;
  if (!gdNav || !bareNav) throw new Error('both stacks must have run the navigation pass');
  const navRow = (r: RunStats) => ({
    stack: r.stack,
    summary: summarize(r.samples, r.wallMs),
    cpuUs: (r.cpuMs / r.samples.length) * 1000,
  });
  const navRows = [navRow(gdNav), navRow(bareNav)] as const;
  const navCpu = navRows[0].cpuUs;
  const navCpuMet = navCpu <= GOAL_NAV_CPU_US;
  const ratioMet = ratio >= GOAL_RATIO;
  const cpuRatio = gdRow.cpuMs / gdRow.all.updates / (bareRow.cpuMs / bareRow.all.updates);
  const navigationTable = markdownTable(
    [
      'stack (navigation only)',
      'updates',
      'updates/s',
      'worst 1 s',
      'p50 ms',
      'p99 ms',
      'CPU µs/update',
      'SQL/update',
      'Redis cmds/update',
    ],
    navRows.map((r) => [
      r.stack,
      String(r.summary.updates),
      fmt(r.summary.updatesPerSecond, 0),
      fmt(r.summary.worstSecond, 0),
      fmt(r.summary.p50),
      fmt(r.summary.p99),
      fmt(r.cpuUs, 0),
      fmt(r.summary.sql),
      fmt(r.summary.redis),
    ]),
  );
  const verdict = [
    `ratio gramdesk/bare: ${ratio.toFixed(3)}, the median of ${ratios.length} rounds (${ratios.map((r) => r.toFixed(3)).join(', ')}): the full stack runs at ${(ratio * 100).toFixed(1)}% of the bare bot's rate, ${(1 / ratio).toFixed(1)}× slower; ` +
      `goal ≥ ${GOAL_RATIO}: ${ratioMet ? 'met' : 'NOT met'}; CPU per update ${cpuRatio.toFixed(1)}× the bare bot's`,
    `goal ≥ ${fmt(GOAL_UPDATES_PER_SECOND, 0)} updates/s: ${speedMet ? 'met' : 'NOT met'} (${fmt(gdRow.all.updatesPerSecond, 0)})\n` +
      `goal ≤ ${GOAL_SQL_PER_CLICK} SQL statement per menu click: ${sqlMet ? 'met' : 'NOT met'} (${fmt(gdRow.clicks.sql)} over all clicks; ` +
      `navigation ${fmt(nav.sql)} ${nav.sql <= GOAL_SQL_PER_CLICK ? 'met' : 'NOT met'}, ` +
      `settings change ${fmt(change.sql)} statements = ${fmt(change.roundTrips)} round trips, BEGIN/COMMIT included)`,
    `Node process CPU (the bot side only; PostgreSQL and Redis share the same cores): ${rows
      .map(
        (r) =>
          `${r.stack} ${fmt((r.cpuMs / r.all.updates) * 1000, 0)} µs/update, ${fmt((r.cpuMs / r.wallMs) * 100, 0)}% of one core`,
      )
      .join('; ')}`,
  ];
  const breakdown = markdownTable(
    [
      'stack',
      'update kind',
      'updates',
      'p50 ms',
      'p99 ms',
      'SQL/update',
      'SQL round trips/update',
      'Redis cmds/update',
      'Bot API calls/update',
    ],
    rows.flatMap((r) =>
      (Object.entries(r.kinds) as [Kind, Summary][]).map(([kind, s]) => [
        r.stack,
        kind,
        String(s.updates),
        fmt(s.p50),
        fmt(s.p99),
        fmt(s.sql),
        fmt(s.roundTrips),
        fmt(s.redis),
        fmt(s.api),
      ]),
    ),
  );
  const statementLines = (Object.keys(gdRow.kinds) as Kind[]).flatMap((kind) => {
    const byStatement = gd.statements.get(kind);
    const count = gdRow.kinds[kind].updates;
    if (!byStatement || !count) return [];
    return [
      `gramdesk SQL per ${kind} (statements per update):`,
      ...[...byStatement.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([sql, n]) => `  ${(n / count).toFixed(2)}  ${sql}`),
      ...(gdRow.kinds[kind].roundTrips > gdRow.kinds[kind].sql
        ? [
            `  ${((gdRow.kinds[kind].roundTrips - gdRow.kinds[kind].sql) / 2).toFixed(2)}  begin … commit (the implicit transaction of em.flush(); not seen by onQuery)`,
          ]
        : []),
    ];
  });
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const config = `load average before: ${load}; ${USERS} users, ${CONCURRENCY} in flight, ${UPDATES} measured updates per stack and round, ${ROUNDS} rounds (each stack once per round; rows: its median round) after a warm-up of one cycle per user; mix per user cycle: 2 commands, 8 navigation clicks, 1 settings change`;

  const navigationLine =
    `navigation only (${navRows[0].summary.updates} clicks per stack after a /menu per user): gramdesk ${fmt(navCpu, 0)} µs of CPU per update, ` +
    `${(navCpu / navRows[1].cpuUs).toFixed(1)}× the bare bot's ${fmt(navRows[1].cpuUs, 0)} µs; goal ≤ ${GOAL_NAV_CPU_US} µs: ${navCpuMet ? 'met' : 'NOT met'}`;
  const reportLines = [
    config,
    main,
    ...verdict,
    breakdown,
    navigationTable,
    navigationLine,
    statementLines.join('\n'),
    ...(gd.unattributedSql ? [`note: ${gd.unattributedSql} SQL statements ran outside any update`] : []),
    ...(problems.length ? [['problems seen:', ...problems.map((p) => `  - ${p}`)].join('\n')] : []),
  ];
  return {
    report: reportLines,
    data: {
      config: { users: USERS, concurrency: CONCURRENCY, updates: UPDATES, rounds: ROUNDS },
      goals: {
        updatesPerSecond: { goal: GOAL_UPDATES_PER_SECOND, value: round(gdRow.all.updatesPerSecond, 0), met: speedMet },
        sqlPerMenuClick: { goal: GOAL_SQL_PER_CLICK, value: round(gdRow.clicks.sql, 3), met: sqlMet },
        ratio: { goal: GOAL_RATIO, value: round(ratio, 4), met: ratioMet },
        navigationCpuUsPerUpdate: { goal: GOAL_NAV_CPU_US, value: round(navCpu, 0), met: navCpuMet },
      },
      navigation: navRows.map((r) => ({
        stack: r.stack,
        cpuUsPerUpdate: round(r.cpuUs, 0),
        ...roundSummary(r.summary),
      })),
      ratio: round(ratio, 4),
      ratioByRound: ratios.map((r) => round(r, 4)),
      stacks: rows.map((r) => ({
        stack: r.stack,
        wallMs: round(r.wallMs, 1),
        nodeCpuMs: round(r.cpuMs, 1),
        all: roundSummary(r.all),
        menuClicks: roundSummary(r.clicks),
        byKind: Object.fromEntries(Object.entries(r.kinds).map(([k, s]) => [k, roundSummary(s)])),
        botApiCalls: Object.fromEntries(stacks.find((s) => s.name === r.stack)?.api.counts ?? []),
      })),
      gramdeskStatements: Object.fromEntries(
        [...gd.statements.entries()].map(([kind, m]) => [
          kind,
          Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1])),
        ]),
      ),
      unattributedSql: gd.unattributedSql,
      problems,
    },
  };
}

function roundSummary(s: Summary) {
  return {
    updates: s.updates,
    ...(Number.isFinite(s.updatesPerSecond) ? { updatesPerSecond: round(s.updatesPerSecond, 0) } : {}),
    ...(Number.isFinite(s.worstSecond) ? { worstSecond: s.worstSecond } : {}),
    p50Ms: round(s.p50, 3),
    p99Ms: round(s.p99, 3),
    sqlPerUpdate: round(s.sql, 3),
    sqlRoundTripsPerUpdate: round(s.roundTrips, 3),
    redisPerUpdate: round(s.redis, 3),
    botApiCallsPerUpdate: round(s.api, 3),
  };
}

function countBy(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}
