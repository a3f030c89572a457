import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { HttpRequestMetrics } from './request-metrics.js';

/**
 * Prometheus instruments of one process. Each call builds its own Registry instead of using
 * prom-client's global one: tests build many apps in one process, and registering the same
 * metric name twice in a shared registry throws.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Finished HTTP requests and their durations; `route` is the matched route pattern, never the raw path. */
  readonly http: HttpRequestMetrics;
  /** Telegram updates handled, by update type (message, callback_query, ...). */
  readonly botUpdates: Counter<'type'>;
  /** Updates whose handling ended in an error caught by the bot's error boundary. */
  readonly botErrors: Counter;
  readonly dbQueries: Counter;
  /** 1 while a dependency (`postgres`, `redis`) answers, 0 during an outage this process noticed (platform/outages.ts). */
  readonly dependencyUp: Gauge<'dependency'>;
  /** Outages this process noticed, by dependency: one per outage, however many errors it caused. */
  readonly dependencyOutages: Counter<'dependency'>;
  /**
   * What was answered "temporarily unavailable" because a dependency was down, by dependency and
   * surface: `http` (503 service_unavailable), `webhook` (503, Telegram redelivers), `bot` (the short
   * reply to the user), `websocket` (a service_unavailable error frame, or a socket closed with 1013).
   */
  readonly unavailableAnswers: Counter<'dependency' | 'surface'>;
  /** The exposition text for GET /metrics. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  return {
    registry,
    http: new HttpRequestMetrics(registry),
    botUpdates: new Counter({
      name: 'bot_updates_total',
      help: 'Telegram updates handled, by update type',
      labelNames: ['type'],
      registers,
    }),
    botErrors: new Counter({
      name: 'bot_errors_total',
      help: 'Telegram updates whose handling failed',
      registers,
    }),
    dbQueries: new Counter({
      name: 'db_queries_total',
      help: 'SQL statements sent to the database',
      registers,
    }),
    dependencyUp: (() => {
      const gauge = new Gauge({
        name: 'dependency_up',
        help: 'Whether a dependency answers (1) or is in an outage this process noticed (0)',
        labelNames: ['dependency'],
        registers,
      });
      // Both series exist from the start, so a dashboard sees 1 before the first outage.
      for (const dependency of ['postgres', 'redis']) gauge.set({ dependency }, 1);
      return gauge;
    })(),
    dependencyOutages: new Counter({
      name: 'dependency_outages_total',
      help: 'Outages of a dependency this process noticed',
      labelNames: ['dependency'],
      registers,
    }),
    unavailableAnswers: new Counter({
      name: 'dependency_unavailable_answers_total',
      help: 'Requests and updates answered "temporarily unavailable" because a dependency was down',
      labelNames: ['dependency', 'surface'],
      registers,
    }),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
