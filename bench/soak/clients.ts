/**
 * The soak's remote clients, run in a worker thread (its own event loop and heap, so the clients
 * neither take the program's loop nor count in its heap): API requests at a steady rate
 * (GET /tasks, POST /tasks, POST /messages to users who are not connected) and WebSocket PM
 * ping-pong between connected pairs. Every finished operation goes to the main thread as
 * [kind, time, error reason?]; the main thread keeps the per-second log.
 *
 * Access tokens live 15 minutes and a socket is closed when its token expires: the main thread
 * sends fresh tokens every few minutes; requests use the newest, and each pair reconnects with
 * them between two round trips (the churn of a real client's reconnects, part of the soak).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Kind, pace } from './ops.js';

export interface ClientsConfig {
  apiUrl: string;
  wsUrl: string;
  /** Requests per second: half GET /tasks, a quarter POST /tasks, a quarter POST /messages. */
  apiRate: number;
  /** PM round trips per second over all pairs. */
  wsRate: number;
  taskUsers: string[];
  senders: string[];
  inboxes: string[];
  pairs: Array<[string, string]>;
  tokens: Record<string, string>;
}

export type ToClients = { type: 'tokens'; tokens: Record<string, string> } | { type: 'stop' };
export type Op = [kind: Kind, at: number, reason?: string];
export type FromClients = { type: 'ops'; ops: Op[] } | { type: 'stopped' };

const REQUEST_TIMEOUT_MS = 15_000;
const TRIP_TIMEOUT_MS = 15_000;
/** Requests in flight at most; beyond, a due request is not sent (the achieved rate shows it). */
const MAX_IN_FLIGHT = 64;
/** Half GET /tasks, a quarter POST /tasks, a quarter POST /messages. */
const API_ROTATION: Kind[] = ['GET /tasks', 'POST /tasks', 'GET /tasks', 'POST /messages'];

const config = workerData as ClientsConfig;
let tokens = config.tokens;
let finished: Op[] = [];
const done = (kind: Kind, reason?: string) => {
  finished.push(reason === undefined ? [kind, Date.now()] : [kind, Date.now(), reason]);
};

// ---------------------------------------------------------------- API requests

let apiCount = 0;
/** Requests sent per kind: each kind takes its users in turn (one shared counter would skip some). */
const sentOf = new Map<Kind, number>();
let inFlight = 0;

/** What the n-th request of a kind sends, and as whom. */
function requestOf(kind: Kind, n: number): { path: string; user: string; body?: unknown } {
  const pick = (names: string[]) => names[n % names.length] as string;
  if (kind === 'POST /tasks')
    return { path: '/tasks', user: pick(config.taskUsers), body: { title: `Soak task ${n}` } };
  if (kind === 'POST /messages') {
    return {
      path: '/messages',
      user: pick(config.senders),
      body: { to: pick(config.inboxes), text: `Soak note ${n}` },
    };
  }
  return { path: '/tasks', user: pick(config.taskUsers) };
}

async function request(kind: Kind): Promise<void> {
  const n = sentOf.get(kind) ?? 0;
  sentOf.set(kind, n + 1);
  const { path, user, body } = requestOf(kind, n);
  try {
    const response = await fetch(`${config.apiUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${tokens[user]}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    done(kind, response.ok ? undefined : String(response.status));
  } catch (err) {
    done(kind, err instanceof Error ? err.name : 'failed');
  }
}

function fireRequest(): void {
  if (inFlight >= MAX_IN_FLIGHT) return;
  const kind = API_ROTATION[apiCount++ % API_ROTATION.length] as Kind;
  inFlight++;
  void request(kind).finally(() => inFlight--);
}

// ---------------------------------------------------------------- WebSocket pairs

interface Frame {
  type?: string;
  ref?: string;
  text?: string;
  code?: string;
}

interface Pair {
  names: [string, string];
  a: WebSocket | undefined;
  b: WebSocket | undefined;
  /** Set by new tokens: reconnect before the next round trip. */
  stale: boolean;
  trip: { id: number; resolve(): void; reject(err: Error): void } | undefined;
  /** The highest ping B has answered: the inbox replayed on reconnect is not answered again. */
  answered: number;
}

let tripCount = 0;
const idlePairs: Pair[] = config.pairs.map((names) => ({
  names,
  a: undefined,
  b: undefined,
  stale: true,
  trip: undefined,
  answered: 0,
}));
const busyPairs = new Set<Pair>();

function open(user: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${config.wsUrl}?token=${tokens[user]}`);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error('websocket did not open'));
  });
}

function parse(data: unknown): Frame {
  try {
    return JSON.parse(String(data)) as Frame;
  } catch {
    return {};
  }
}

/** A: sends pings, waits for the matching pong. B: answers each new ping with a pong. */
async function connect(pair: Pair): Promise<void> {
  retire(pair.a);
  retire(pair.b);
  const [nameA, nameB] = pair.names;
  const [a, b] = (await Promise.allSettled([open(nameA), open(nameB)])).map((r) =>
    r.status === 'fulfilled' ? r.value : undefined,
  );
  if (!a || !b) {
    retire(a);
    retire(b);
    throw new Error('websocket did not open');
  }
  const lost = () => pair.trip?.reject(new Error('socket closed'));
  a.onclose = lost;
  b.onclose = lost;
  a.onmessage = (event) => {
    const frame = parse(event.data);
    if (frame.type === 'error') pair.trip?.reject(new Error(frame.code ?? 'error frame'));
    else if (frame.type === 'pm' && frame.ref === undefined && frame.text === `pong ${pair.trip?.id}`) {
      pair.trip?.resolve();
    }
  };
  b.onmessage = (event) => {
    const frame = parse(event.data);
    const id = Number(/^ping (\d+)$/.exec(frame.text ?? '')?.[1] ?? 0);
    if (frame.type !== 'pm' || frame.ref !== undefined || id <= pair.answered) return;
    pair.answered = id;
    b.send(JSON.stringify({ type: 'pm', to: nameA, text: `pong ${id}`, ref: 'b' }));
  };
  pair.a = a;
  pair.b = b;
  pair.stale = false;
}

/** Closes a socket the pair no longer uses; its late close event must not fail the next trip. */
function retire(ws: WebSocket | undefined): void {
  if (!ws) return;
  ws.onclose = null;
  ws.onmessage = null;
  ws.close();
}

async function roundTrip(pair: Pair): Promise<void> {
  const socketsDown = pair.a?.readyState !== WebSocket.OPEN || pair.b?.readyState !== WebSocket.OPEN;
  if (pair.stale || socketsDown) await connect(pair);
  const id = ++tripCount;
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      clearTimeout(timer);
      pair.trip = undefined;
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => settle(new Error('timeout')), TRIP_TIMEOUT_MS);
    pair.trip = { id, resolve: () => settle(), reject: settle };
    pair.a?.send(JSON.stringify({ type: 'pm', to: pair.names[1], text: `ping ${id}`, ref: 'a' }));
  });
}

function fireTrip(): void {
  const pair = idlePairs.shift();
  if (!pair) return;
  busyPairs.add(pair);
  void roundTrip(pair)
    .then(
      () => done('WS round trip'),
      (err: unknown) => {
        // The pair starts afresh: a lost frame must not be taken for the next trip's pong.
        pair.stale = true;
        done('WS round trip', err instanceof Error ? err.message : 'failed');
      },
    )
    .finally(() => {
      busyPairs.delete(pair);
      idlePairs.push(pair);
    });
}

// ---------------------------------------------------------------- lifecycle

const flush = () => {
  if (finished.length === 0) return;
  parentPort?.postMessage({ type: 'ops', ops: finished } satisfies FromClients);
  finished = [];
};
const flushTimer = setInterval(flush, 250);
const stopApi = pace(config.apiRate, fireRequest);
const stopWs = pace(config.wsRate, fireTrip);

parentPort?.on('message', async (message: ToClients) => {
  if (message.type === 'tokens') {
    tokens = message.tokens;
    for (const pair of [...idlePairs, ...busyPairs]) pair.stale = true;
    return;
  }
  stopApi();
  stopWs();
  // Let the operations in flight finish (each is bounded by its timeout), then close the sockets.
  while (inFlight > 0 || busyPairs.size > 0) await new Promise((r) => setTimeout(r, 50));
  for (const pair of idlePairs) {
    retire(pair.a);
    retire(pair.b);
  }
  flush();
  clearInterval(flushTimer);
  parentPort?.postMessage({ type: 'stopped' } satisfies FromClients);
});
