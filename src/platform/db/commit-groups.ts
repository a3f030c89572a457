import pg from 'pg';
import type { Statement, StatementLanes } from './statement-lanes.js';

interface Waiting {
  statement: Statement;
  resolve(result: pg.QueryResult): void;
  reject(reason: unknown): void;
}

const BEGIN = { text: 'begin' };
const COMMIT = { text: 'commit' };

/**
 * The hot single-statement writes of `executePrepared` (a PM's insert, a setting changed in the
 * bot), committed together: the statements issued in one turn of the event loop are sent as one
 * transaction — BEGIN, the statements, COMMIT — in one socket write on a pipelined connection
 * (statement-lanes.ts), so a burst of PMs costs one write, one commit and one WAL flush instead of
 * one each. Issue 17's profile of 16 WebSocket pairs: the pool's socket write per PM was a quarter
 * of the server's CPU.
 *
 * What a caller sees is what the pool gave it: its own rows or its own error.
 * - A statement alone in its turn is sent alone (its own implicit transaction), as through the pool.
 * - A statement that fails aborts the group's transaction, so nothing of the group was committed:
 *   every statement of the group is run again on its own (`alone`, the pool), one after another in
 *   the order they came, and each gets the answer it would have had without the others (the
 *   failing one its error).
 * - If the COMMIT itself fails (its connection lost, say), whether the group committed is not
 *   known — as for a pooled statement whose connection drops —, so each statement rejects with the
 *   COMMIT's error and is not run again (running it again could store it twice).
 * A group holds its rows' locks until its COMMIT, so two groups writing the same rows in opposite
 * order may deadlock; PostgreSQL then fails one, and that group is run again statement by
 * statement.
 */
export class CommitGroups {
  #waiting: Waiting[] = [];
  #scheduled = false;

  constructor(
    /** Pipelined connections of their own: a reader queued behind a COMMIT would wait for its flush. */
    private readonly lanes: StatementLanes,
    /** Runs one statement on its own (the pool): when the lanes decline, and to run a failed group again. */
    private readonly alone: (statement: Statement) => Promise<pg.QueryResult>,
    /** Told of each BEGIN and COMMIT sent, as the ORM's query hook is of every statement. */
    private readonly onStatement: (sql: string) => void = () => undefined,
    /** Statements in one transaction at most; a larger turn is split. */
    private readonly maxGroup = 64,
  ) {}

  query<R extends pg.QueryResultRow>(statement: Statement): Promise<pg.QueryResult<R>> {
    return new Promise<pg.QueryResult>((resolve, reject) => {
      this.#waiting.push({ statement, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // After the I/O callbacks of this turn: the frames and replies that arrived together all
      // had their chance to add a statement.
      setImmediate(() => this.#flush());
    }) as Promise<pg.QueryResult<R>>;
  }

  #flush(): void {
    this.#scheduled = false;
    const waiting = this.#waiting.splice(0);
    for (let i = 0; i < waiting.length; i += this.maxGroup) {
      const group = waiting.slice(i, i + this.maxGroup);
      // Whatever goes wrong in sending reaches the group's callers, never the process as an unhandled rejection.
      this.#send(group).catch((reason: unknown) => {
        for (const one of group) one.reject(reason);
      });
    }
  }

  async #send(group: Waiting[]): Promise<void> {
    if (group.length === 1) {
      const [one] = group as [Waiting];
      (this.lanes.query(one.statement) ?? this.alone(one.statement)).then(one.resolve, one.reject);
      return;
    }
    const sent = this.lanes.queryAll([BEGIN, ...group.map((waiting) => waiting.statement), COMMIT]);
    if (!sent) return this.#oneByOne(group);

    this.onStatement(BEGIN.text);
    this.onStatement(COMMIT.text);
    const [begin, ...results] = await Promise.allSettled(sent);
    const commit = results.pop() as PromiseSettledResult<pg.QueryResult>;

    if (commit.status === 'fulfilled' && commit.value.command === 'COMMIT') {
      // Committed: each statement's own answer (one refused by the driver before it was sent was not part of it).
      group.forEach((waiting, i) => {
        settle(waiting, results[i] as PromiseSettledResult<pg.QueryResult>);
      });
      return;
    }
    const rolledBack =
      begin?.status === 'fulfilled' &&
      ((commit.status === 'fulfilled' && commit.value.command === 'ROLLBACK') ||
        results.some((result) => result.status === 'rejected' && result.reason instanceof pg.DatabaseError));
    if (rolledBack) return this.#oneByOne(group);
    const reason = commit.status === 'rejected' ? commit.reason : new Error('the transaction did not commit');
    group.forEach((waiting, i) => {
      const result = results[i] as PromiseSettledResult<pg.QueryResult>;
      waiting.reject(result.status === 'rejected' ? result.reason : reason);
    });
  }

  /** Each statement on its own, one after another in the order they came: ids (a message's place in a history) keep that order. */
  async #oneByOne(group: Waiting[]): Promise<void> {
    for (const waiting of group) await this.alone(waiting.statement).then(waiting.resolve, waiting.reject);
  }
}

function settle(waiting: Waiting, result: PromiseSettledResult<pg.QueryResult>): void {
  if (result.status === 'fulfilled') waiting.resolve(result.value);
  else waiting.reject(result.reason);
}
