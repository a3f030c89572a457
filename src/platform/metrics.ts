import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Prometheus instruments of one process. Each call builds its own Registry instead of using
 * prom-client's global one: tests build many apps in one process, and registering the same
 * metric name twice in a shared registry throws.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Finished HTTP requests; `route` is the matched route pattern, never the raw path. */
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Telegram updates handled, by update type (message, callback_query, ...). */
  readonly botUpdates: Counter<'type'>;
  /** Updates whose handling ended in an error caught by the bot's error boundary. */
  readonly botErrors: Counter;
  readonly dbQueries: Counter;
  /** The exposition text for GET /metrics. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
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
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
