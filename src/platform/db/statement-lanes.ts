import pg from 'pg';

/** A named statement with its values, as `executePrepared` sends it. */
export interface Statement {
  name: string;
  text: string;
  values: unknown[];
}

interface Lane {
  client: pg.Client;
  /** Settles once the connection is open (rejects if it cannot be). */
  ready: Promise<void>;
  /** Statements sent (or waiting for the connection) and not yet answered. */
  inFlight: number;
  /** Corked until the end of the current tick: what is sent until then leaves in one socket write. */
  corked: boolean;
  broken: boolean;
}

type Socket = { cork(): void; uncork(): void };

/**
 * A few PostgreSQL connections in pg's pipeline mode, for the hot single statements of
 * `executePrepared` (outside transactions): a statement goes at once to the lane with the fewest
 * unanswered ones, without waiting for those to be answered, and every statement sent in the same
 * tick leaves in one socket write, their answers arriving together. A socket write to PostgreSQL
 * cost ~50 µs of this 2-core machine's CPU; through the pool every statement paid one, and its
 * answer one read (issue 17's profile: writev was a fifth of the API server's CPU on GET /tasks).
 *
 * Each statement carries its own Sync, so it is its own implicit transaction, as through the pool:
 * one that fails does not affect the others. Statements of a transaction never come here (they run
 * on the transaction's connection). A lane whose connection fails is dropped — its statements in
 * flight reject with the connection's error, as a pooled one's would — and the next statement opens
 * a new one. A lane already holding `maxDepth` statements takes no more (`query` declines and the
 * caller uses the pool), so one slow statement cannot queue everything behind it.
 */
export class StatementLanes {
  readonly #lanes: Lane[] = [];
  #closed = false;

  constructor(
    /** The options a client of the ORM's pool is made with (connection, timeouts, type parsers). */
    private readonly clientOptions: pg.ClientConfig,
    private readonly size = 2,
    private readonly maxDepth = 32,
  ) {}

  /** Lanes open now (for tests and diagnostics). */
  get open(): number {
    return this.#lanes.length;
  }

  /**
   * Sends a named statement on a lane; undefined when the lanes decline it (closed, or every lane
   * already `maxDepth` deep), for the caller to run it through the pool.
   */
  query<R extends pg.QueryResultRow>(statement: Statement): Promise<pg.QueryResult<R>> | undefined {
    const lane = this.#pick();
    return lane ? this.#send<R>(lane, statement) : undefined;
  }

  /**
   * Sends the statements one after another on one lane, with nothing sent in between (a
   * transaction's BEGIN, statements and COMMIT: commit-groups.ts); undefined when the lanes
   * decline. A statement here may be a plain text (`{ text: 'begin' }`).
   */
  queryAll(statements: Array<Statement | { text: string }>): Array<Promise<pg.QueryResult>> | undefined {
    const lane = this.#pick();
    if (!lane) return undefined;
    lane.inFlight += statements.length;
    // One callback queues them all, so no other statement of this lane can come between them.
    const sent = lane.ready.then(() => {
      this.#cork(lane);
      return statements.map((statement) => lane.client.query(statement));
    });
    return statements.map((_, i) =>
      sent
        .then((all) => all[i] as Promise<pg.QueryResult>)
        .finally(() => {
          lane.inFlight--;
        }),
    );
  }

  /** Ends every lane's connection; statements sent afterwards decline. */
  async close(): Promise<void> {
    this.#closed = true;
    const lanes = this.#lanes.splice(0);
    await Promise.all(lanes.map((lane) => lane.client.end().catch(() => undefined)));
  }

  async #send<R extends pg.QueryResultRow>(lane: Lane, statement: Statement): Promise<pg.QueryResult<R>> {
    lane.inFlight++;
    try {
      await lane.ready;
      this.#cork(lane);
      return await lane.client.query<R>(statement);
    } finally {
      lane.inFlight--;
    }
  }

  #pick(): Lane | undefined {
    if (this.#closed) return undefined;
    let best: Lane | undefined;
    for (const lane of this.#lanes) if (!best || lane.inFlight < best.inFlight) best = lane;
    if (!best || (best.inFlight > 0 && this.#lanes.length < this.size)) return this.#open();
    return best.inFlight < this.maxDepth ? best : undefined;
  }

  #open(): Lane {
    const client = new pg.Client({ ...this.clientOptions, pipeline: true });
    const lane: Lane = { client, ready: Promise.resolve(), inFlight: 0, corked: false, broken: false };
    const drop = () => {
      if (lane.broken) return;
      lane.broken = true;
      const at = this.#lanes.indexOf(lane);
      if (at >= 0) this.#lanes.splice(at, 1);
    };
    // A dropped connection: its statements in flight reject on their own (pg errors them all).
    client.on('error', drop);
    client.on('end', drop);
    lane.ready = client.connect().then(
      () => undefined,
      (err: unknown) => {
        drop();
        throw err;
      },
    );
    // Nobody may be waiting on it yet (the statement that opened it awaits it next); a failure
    // reaches that statement through `await lane.ready`.
    lane.ready.catch(() => undefined);
    this.#lanes.push(lane);
    return lane;
  }

  /** Holds the lane's writes until the end of this tick (pg corks each statement's messages too; corks nest). */
  #cork(lane: Lane): void {
    if (lane.corked) return;
    const socket = (lane.client as unknown as { connection?: { stream?: Partial<Socket> } }).connection?.stream;
    if (typeof socket?.cork !== 'function' || typeof socket.uncork !== 'function') return;
    socket.cork();
    lane.corked = true;
    process.nextTick(() => {
      lane.corked = false;
      socket.uncork?.();
    });
  }
}
