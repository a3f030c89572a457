/**
 * What the soak's loads did, second by second: a fixed list of operation kinds, a per-second log
 * of successes and errors (preallocated, so the log itself does not grow the heap it measures),
 * and the pacer that keeps each load at a steady rate.
 */

export const KINDS = [
  'bot update',
  'GET /tasks',
  'POST /tasks',
  'POST /messages',
  'WS round trip',
  'mailing send',
] as const;
export type Kind = (typeof KINDS)[number];

/** Successes and errors of one kind in a span of time. */
export interface Tally {
  ok: number;
  errors: number;
}

export class OpsLog {
  private readonly ok: Map<Kind, Uint32Array>;
  private readonly errors: Map<Kind, Uint32Array>;
  /** Errors by kind and reason ("POST /messages 429"); a handful of keys, never one per request. */
  readonly reasons = new Map<string, number>();

  constructor(
    /** Date.now() when the loads started: second 0 of the log. */
    readonly startedAt: number,
    seconds: number,
  ) {
    // A minute of slack for operations that finish after the planned end.
    const length = Math.ceil(seconds) + 60;
    this.ok = new Map(KINDS.map((k) => [k, new Uint32Array(length)]));
    this.errors = new Map(KINDS.map((k) => [k, new Uint32Array(length)]));
  }

  record(kind: Kind, at: number, reason?: string): void {
    const second = Math.floor((at - this.startedAt) / 1000);
    const slots = (reason === undefined ? this.ok : this.errors).get(kind);
    if (!slots || second < 0 || second >= slots.length) return;
    slots[second] = (slots[second] ?? 0) + 1;
    if (reason !== undefined) {
      const key = `${kind}: ${reason}`;
      this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
    }
  }

  /** Totals of a kind over the whole seconds [from, to). */
  tally(kind: Kind, from: number, to: number): Tally {
    return { ok: sum(this.ok.get(kind), from, to), errors: sum(this.errors.get(kind), from, to) };
  }

  /** Successes in each whole second [from, to). */
  perSecond(kind: Kind, from: number, to: number): number[] {
    const slots = this.ok.get(kind);
    const out: number[] = [];
    for (let s = Math.max(0, from); s < Math.min(to, slots?.length ?? 0); s++) out.push(slots?.[s] ?? 0);
    return out;
  }
}

function sum(slots: Uint32Array | undefined, from: number, to: number): number {
  let total = 0;
  for (let s = Math.max(0, from); s < Math.min(to, slots?.length ?? 0); s++) total += slots?.[s] ?? 0;
  return total;
}

/**
 * Calls `fire` `rate` times a second on average until the returned stopper is called. `fire`
 * starts one operation (or does nothing when the load has no idle user: the achieved rate then
 * falls short of the target, which the report shows). After a stall at most one second's worth
 * is caught up: a soak keeps a steady rate, it does not pile up a backlog.
 */
export function pace(rate: number, fire: () => void): () => void {
  const started = performance.now();
  let fired = 0;
  const timer = setInterval(
    () => {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      if (due - fired > rate) fired = due - Math.ceil(rate);
      while (fired < due) {
        fired++;
        fire();
      }
    },
    Math.max(10, Math.min(100, 500 / rate)),
  );
  return () => clearInterval(timer);
}
