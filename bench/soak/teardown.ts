/**
 * Stopping the soak: its stoppers run once each, last started first — after the run, after a
 * failure half-way, and before run.ts's own cleanup when the run is interrupted.
 */

/** Stoppers run once each, last started first. */
export class Teardown {
  private readonly steps: Array<() => Promise<void>> = [];

  add(step: () => Promise<void>): () => Promise<void> {
    let done: Promise<void> | undefined;
    const once = () => {
      done ??= step();
      return done;
    };
    this.steps.push(once);
    return once;
  }

  async run(): Promise<void> {
    for (const step of [...this.steps].reverse()) {
      await step().catch((err: unknown) => console.error('soak teardown:', err));
    }
  }
}

/**
 * run.ts answers Ctrl-C (or SIGTERM) by deleting the run's Redis keys and dropping its database.
 * The soak's program runs in this process and would go on writing meanwhile — a key written after
 * the deletion stays behind — so while the soak runs, a signal first stops the soak and is then
 * handed on to run.ts's handlers. Returns the function that puts them back as they were.
 */
export function stopSoakFirstOnSignal(stop: () => Promise<void>, interrupted: () => void): () => void {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const runners = new Map<NodeJS.Signals, NodeJS.SignalsListener[]>(
    signals.map((signal) => [signal, process.listeners(signal)]),
  );
  const restore = () => {
    for (const signal of signals) {
      process.removeListener(signal, onSignal);
      for (const listener of runners.get(signal) ?? []) {
        if (!process.listeners(signal).includes(listener)) process.on(signal, listener);
      }
    }
  };
  function onSignal(signal: NodeJS.Signals) {
    restore();
    interrupted();
    console.error(`\n${signal}: stopping the soak's program first…`);
    void stop().finally(() => {
      for (const listener of runners.get(signal) ?? []) listener(signal);
    });
  }
  for (const signal of signals) {
    process.removeAllListeners(signal);
    process.once(signal, onSignal);
  }
  return restore;
}
