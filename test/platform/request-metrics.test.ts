import { fc } from '@fast-check/vitest';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HTTP_DURATION_BUCKETS, HttpRequestMetrics } from '../../src/platform/request-metrics.js';

/** prom-client's own Counter and Histogram with the same names, labels and buckets: the reference. */
function reference() {
  const registry = new Registry();
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status',
    labelNames,
    buckets: [...HTTP_DURATION_BUCKETS],
    registers: [registry],
  });
  return {
    registry,
    record(method: string, route: string, status: number, seconds: number) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'),
  // Route patterns, "unmatched", and values the exposition must escape.
  route: fc.constantFrom('/health', '/tasks/:id', 'unmatched', '/<telegram-webhook>', 'a"b\\c\nd'),
  status: fc.constantFrom(200, 201, 404, 413, 500, 503),
  // Bucket bounds exactly, values between them, zero and beyond the last bound.
  seconds: fc.oneof(
    fc.constantFrom(0, ...HTTP_DURATION_BUCKETS, 10.5, 120),
    fc.double({ min: 0, max: 20, noNaN: true }),
  ),
});

describe('HTTP request metrics', () => {
  it('expose exactly what prom-client writes for its own counter and histogram of the same requests', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { maxLength: 60 }), async (requests) => {
        const ours = new Registry();
        const metrics = new HttpRequestMetrics(ours);
        const theirs = reference();
        for (const r of requests) {
          metrics.record(r.method, r.route, r.status, r.seconds);
          theirs.record(r.method, r.route, r.status, r.seconds);
        }
        expect(await ours.metrics()).toBe(await theirs.registry.metrics());
        // As JSON too, but for prom-client's exemplar slots (null: it records none for these metrics).
        const withoutExemplars = JSON.parse(
          JSON.stringify(await theirs.registry.getMetricsAsJSON(), (key, value) =>
            key === 'exemplar' ? undefined : value,
          ),
        );
        expect(await ours.getMetricsAsJSON()).toEqual(withoutExemplars);
      }),
      { numRuns: 200 },
    );
  });

  it('count each request once in its series, and start over after a registry reset', async () => {
    const registry = new Registry();
    const metrics = new HttpRequestMetrics(registry);
    metrics.record('GET', '/health', 200, 0.001);
    metrics.record('GET', '/health', 200, 0.3);
    metrics.record('GET', 'unmatched', 404, 0.002);
    const text = await registry.metrics();
    expect(text).toContain('http_requests_total{method="GET",route="/health",status="200"} 2');
    expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/health",status="200"} 1',
    );
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.5",method="GET",route="/health",status="200"} 2',
    );
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/health",status="200"} 2');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('route="/health"');
  });
});
