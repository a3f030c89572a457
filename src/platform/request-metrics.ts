import type { Metric, Registry } from 'prom-client';

/** Upper bounds (seconds) of the duration histogram's buckets. */
export const HTTP_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const REQUESTS = {
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status',
};
const DURATION = {
  name: 'http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method, route pattern and status',
};

type Labels = { method: string; route: string; status: string };

/** One (method, route, status) series: its count, the sum of its durations and its buckets. */
interface Series {
  labels: Labels;
  status: number;
  count: number;
  sum: number;
  /** Requests per bucket, not cumulative: index i counts durations ≤ bound i and > bound i-1; the last, the rest. */
  perBucket: Float64Array;
}

/** A value in the shape prom-client's own metrics give their registry. */
interface ExportedValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/**
 * `http_requests_total` and `http_request_duration_seconds`, recorded for every answer. Written
 * with prom-client's Counter and Histogram, each request paid for label hashing and validation
 * twice and a number-to-string lookup of its bucket (prom-client held 4.7 % of `GET /health`'s
 * samples, issue 17). Here a request is a map lookup by its route, a scan of that route's few
 * series, two additions and its bucket's; the two metrics are exposed to the registry in prom-client's own shape (`get()`), so
 * the exposition text is what prom-client writes for its own counters and histograms.
 */
export class HttpRequestMetrics {
  /** The series of each route, few each (a method or two, a status or three): found by a scan, no key built. */
  readonly #byRoute = new Map<string, Series[]>();
  /** Every series in the order it first occurred, the order they are exposed in (as prom-client's). */
  #all: Series[] = [];

  constructor(registry: Registry) {
    registry.registerMetric(this.#metric(REQUESTS, 'counter', () => this.#counterValues()));
    registry.registerMetric(this.#metric(DURATION, 'histogram', () => this.#histogramValues()));
  }

  /** One answered request: its method, route pattern (never a raw path), status and duration. */
  record(method: string, route: string, status: number, seconds: number): void {
    let ofRoute = this.#byRoute.get(route);
    if (!ofRoute) {
      ofRoute = [];
      this.#byRoute.set(route, ofRoute);
    }
    let series = ofRoute.find((s) => s.status === status && s.labels.method === method);
    if (!series) {
      series = {
        labels: { method, route, status: String(status) },
        status,
        count: 0,
        sum: 0,
        perBucket: new Float64Array(HTTP_DURATION_BUCKETS.length + 1),
      };
      ofRoute.push(series);
      this.#all.push(series);
    }
    series.count++;
    series.sum += seconds;
    let bucket = 0;
    while (bucket < HTTP_DURATION_BUCKETS.length && seconds > (HTTP_DURATION_BUCKETS[bucket] as number)) bucket++;
    (series.perBucket[bucket] as number)++;
  }

  #reset(): void {
    this.#byRoute.clear();
    this.#all = [];
  }

  #counterValues(): ExportedValue[] {
    return this.#all.map((series) => ({ value: series.count, labels: series.labels }));
  }

  #histogramValues(): ExportedValue[] {
    const values: ExportedValue[] = [];
    for (const series of this.#all) {
      const { labels } = series;
      let cumulative = 0;
      // `le` first: prom-client writes a bucket's labels in this order.
      HTTP_DURATION_BUCKETS.forEach((bound, i) => {
        cumulative += series.perBucket[i] as number;
        values.push({ value: cumulative, labels: { le: bound, ...labels }, metricName: `${DURATION.name}_bucket` });
      });
      values.push(
        { value: series.count, labels: { le: '+Inf', ...labels }, metricName: `${DURATION.name}_bucket` },
        { value: series.sum, labels, metricName: `${DURATION.name}_sum` },
        { value: series.count, labels, metricName: `${DURATION.name}_count` },
      );
    }
    return values;
  }

  /**
   * What prom-client's registry asks of a metric (registerMetric, metrics(), getMetricsAsJSON,
   * resetMetrics): its name, help, type and aggregator, `get()` for its values, and `reset()`.
   * prom-client's typings know only its own classes (and type `type` as a numeric enum where the
   * runtime uses these strings), hence the cast.
   */
  #metric(about: { name: string; help: string }, type: 'counter' | 'histogram', values: () => ExportedValue[]): Metric {
    const described = { ...about, type, aggregator: 'sum' };
    const metric = { ...described, get: async () => ({ ...described, values: values() }), reset: () => this.#reset() };
    return metric as unknown as Metric;
  }
}
