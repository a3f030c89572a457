/**
 * The main thread's side of the API and WebSocket clients (clients.ts, in a worker thread): the
 * accounts they use, their access tokens (renewed before the 15-minute expiry), and the stream
 * of finished operations into the per-second log.
 */
import { Worker } from 'node:worker_threads';
import { User } from '../../src/features/users/user.entity.js';
import { issueAccessToken } from '../../src/platform/auth/access-token.js';
import type { ClientsConfig, FromClients, ToClients } from './clients.js';
import type { OpsLog } from './ops.js';
import type { SoakProgram } from './program.js';

/** New tokens this often: well inside their 15-minute life, so no socket is closed by expiry. */
const TOKEN_RENEWAL_MS = 10 * 60_000;
/** The PM limit is 20 a minute per sender; the clients keep each sender at 15 at most. */
const PMS_PER_SENDER_PER_MINUTE = 15;
/** The limit of new tasks is 60 a minute per user (WRITE_LIMITS); the clients keep each user at 45 at most. */
const TASKS_PER_USER_PER_MINUTE = 45;

/** API accounts for the rates: enough senders and task users that none reaches its limit. */
function accountsFor(apiRate: number, wsRate: number) {
  const names = (role: string, n: number) => Array.from({ length: n }, (_, i) => `soak_${role}_${i}`);
  const senders = Math.max(2, Math.ceil(((apiRate / 4) * 60) / PMS_PER_SENDER_PER_MINUTE));
  const pairs = Math.max(2, Math.ceil((wsRate * 60) / PMS_PER_SENDER_PER_MINUTE));
  // POST /tasks is a quarter of the API rate, taken by the task users in turn.
  const taskUsers = Math.max(10, Math.ceil(((apiRate / 4) * 60) / TASKS_PER_USER_PER_MINUTE));
  return {
    taskUsers: names('tasks', taskUsers),
    senders: names('sender', senders),
    // Recipients of POST /messages with no socket open: the message is stored, not delivered.
    inboxes: names('inbox', 5),
    pairs: names('ping', pairs).map((a, i): [string, string] => [a, `soak_pong_${i}`]),
  };
}

async function createAccounts(program: SoakProgram, usernames: string[]): Promise<Map<string, string>> {
  const em = program.app.orm.em.fork();
  const users = usernames.map((username) => em.create(User, { username, accountState: 'active', firstName: username }));
  await em.flush();
  return new Map(users.map((u) => [u.username as string, u.id]));
}

async function issueTokens(program: SoakProgram, ids: Map<string, string>): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const [username, id] of ids) tokens[username] = (await issueAccessToken(program.keys, program.issuer, id)).token;
  return tokens;
}

export interface RemoteLoad {
  accounts: ReturnType<typeof accountsFor>;
  /** The worker's crash, if it crashed (the soak stops then rather than measure a missing load). */
  failed(): Error | undefined;
  /** Stops the clients after their operations in flight (each bounded by its timeout). */
  stop(): Promise<void>;
}

export async function startRemoteLoad(
  program: SoakProgram,
  ops: OpsLog,
  rates: { api: number; ws: number },
): Promise<RemoteLoad> {
  const accounts = accountsFor(rates.api, rates.ws);
  const ids = await createAccounts(program, [
    ...accounts.taskUsers,
    ...accounts.senders,
    ...accounts.inboxes,
    ...accounts.pairs.flat(),
  ]);
  const config: ClientsConfig = {
    apiUrl: program.apiUrl,
    wsUrl: program.wsUrl,
    apiRate: rates.api,
    wsRate: rates.ws,
    ...accounts,
    tokens: await issueTokens(program, ids),
  };
  const worker = new Worker(new URL('./clients.ts', import.meta.url), { workerData: config });
  let failure: Error | undefined;
  let stopped: (() => void) | undefined;
  worker.on('message', (message: FromClients) => {
    if (message.type === 'ops') for (const [kind, at, reason] of message.ops) ops.record(kind, at, reason);
    else stopped?.();
  });
  worker.on('error', (err) => {
    failure = err;
    stopped?.();
  });
  const send = (message: ToClients) => worker.postMessage(message);
  const renewal = setInterval(() => {
    void issueTokens(program, ids).then(
      (tokens) => send({ type: 'tokens', tokens }),
      () => undefined,
    );
  }, TOKEN_RENEWAL_MS);
  return {
    accounts,
    failed: () => failure,
    async stop() {
      clearInterval(renewal);
      if (!failure) {
        const finished = new Promise<void>((resolve) => {
          stopped = resolve;
        });
        send({ type: 'stop' });
        // The clients' own timeouts bound this; the extra margin covers a wedged worker.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([finished, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
        clearTimeout(timer);
      }
      await worker.terminate();
      if (failure) throw failure;
    },
  };
}
