// Proves GET /metrics answers a node's own registry in Prometheus text format, unguarded,
// with gauges read at scrape time. A real fastify app driven by inject, parsed back to samples.

import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { guardInternalRoutes } from '../../cluster/internal-peer.ts';
import { createHttpServer } from '../http-server.ts';
import { MetricsRegistry, sharedRead } from './metrics-registry.ts';
import { METRICS_PATH, registerMetricsRoute } from './metrics-route.ts';
import { parseMetrics, sampleValue } from './test-support.ts';
import type { MetricSample } from './test-support.ts';

const apps: FastifyInstance[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function appWith(metrics: MetricsRegistry): FastifyInstance {
  const app = Fastify();
  apps.push(app);
  registerMetricsRoute(app, metrics);
  return app;
}

async function scrape(app: FastifyInstance): Promise<MetricSample[]> {
  const reply = await app.inject({ method: 'GET', url: METRICS_PATH });
  expect(reply.statusCode).toBe(200);
  return parseMetrics(reply.body);
}

describe('GET /metrics', () => {
  it('answers Prometheus text with shoal_node_info and the process metrics', async () => {
    const app = appWith(new MetricsRegistry({ alias: 'dn1', role: 'datanode' }));
    const reply = await app.inject({ method: 'GET', url: METRICS_PATH });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(reply.body).toContain('# TYPE shoal_node_info gauge');
    const samples = parseMetrics(reply.body);
    expect(sampleValue(samples, 'shoal_node_info', { alias: 'dn1', role: 'datanode' })).toBe(1);
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('keeps each node its own registry: two in one process count apart', async () => {
    const first = new MetricsRegistry({ alias: 'controller', role: 'controller' });
    const second = new MetricsRegistry({ alias: 'dn1', role: 'datanode' });
    first.counter('shoal_test_total', 'a test counter').inc(3);
    second.counter('shoal_test_total', 'a test counter').inc(5);
    const one = await scrape(appWith(first));
    const two = await scrape(appWith(second));
    expect(sampleValue(one, 'shoal_test_total')).toBe(3);
    expect(sampleValue(two, 'shoal_test_total')).toBe(5);
    expect(sampleValue(one, 'shoal_node_info', { role: 'controller' })).toBe(1);
    expect(sampleValue(one, 'shoal_node_info', { role: 'datanode' })).toBeUndefined();
  });

  it('reads gauges at each scrape and drops the series a reader no longer gives', async () => {
    const metrics = new MetricsRegistry({ alias: 'controller', role: 'controller' });
    let state = 'ENABLED';
    metrics.gauge('shoal_test_state', 'a state', ['state'], () => [
      { labels: { state }, value: 1 },
    ]);
    const app = appWith(metrics);
    expect(sampleValue(await scrape(app), 'shoal_test_state', { state: 'ENABLED' })).toBe(1);
    state = 'STOPPED';
    const after = await scrape(app);
    expect(sampleValue(after, 'shoal_test_state', { state: 'STOPPED' })).toBe(1);
    expect(sampleValue(after, 'shoal_test_state', { state: 'ENABLED' })).toBeUndefined();
  });

  it('counts labelled counters and fills histogram buckets', async () => {
    const metrics = new MetricsRegistry({ alias: 'controller', role: 'controller' });
    metrics.counter('shoal_test_bytes_total', 'bytes', ['slave']).inc({ slave: 's"1' }, 7);
    const histogram = metrics.histogram('shoal_test_seconds', 'seconds', [0.1, 1, 10]);
    histogram.observe(0.5);
    histogram.observe(20);
    const samples = await scrape(appWith(metrics));
    expect(sampleValue(samples, 'shoal_test_bytes_total', { slave: 's"1' })).toBe(7);
    expect(sampleValue(samples, 'shoal_test_seconds_bucket', { le: '0.1' })).toBe(0);
    expect(sampleValue(samples, 'shoal_test_seconds_bucket', { le: '1' })).toBe(1);
    expect(sampleValue(samples, 'shoal_test_seconds_bucket', { le: '+Inf' })).toBe(2);
    expect(sampleValue(samples, 'shoal_test_seconds_count')).toBe(2);
    expect(sampleValue(samples, 'shoal_test_seconds_sum')).toBe(20.5);
  });

  it('answers a failing gauge reader with an error, and the next scrape recovers', async () => {
    const metrics = new MetricsRegistry({ alias: 'controller', role: 'controller' });
    let fail = true;
    metrics.gauge('shoal_test_flaky', 'flaky', [], () => {
      if (fail) throw new Error('the state is not readable');
      return [{ labels: {}, value: 4 }];
    });
    const app = appWith(metrics);
    const reply = await app.inject({ method: 'GET', url: METRICS_PATH });
    expect(reply.statusCode).toBe(500);
    fail = false;
    expect(sampleValue(await scrape(app), 'shoal_test_flaky')).toBe(4);
  });

  it('is not guarded: guardInternalRoutes refuses /internal/* without a token, not /metrics', async () => {
    // The node's own server, so a refusal is answered with its status as in production.
    const { app } = createHttpServer({
      name: 'dn1',
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
    });
    apps.push(app);
    guardInternalRoutes(app, 'ab'.repeat(32));
    registerMetricsRoute(app, new MetricsRegistry({ alias: 'dn1', role: 'datanode' }));
    app.get('/internal/probe', async () => ({ ok: true }));
    const internal = await app.inject({ method: 'GET', url: '/internal/probe' });
    expect(internal.statusCode).toBe(401);
    const reply = await app.inject({ method: 'GET', url: METRICS_PATH });
    expect(reply.statusCode).toBe(200);
  });
});

describe('sharedRead', () => {
  it('gives the calls made while a read is in flight its one answer, then reads again', async () => {
    let reads = 0;
    let release: (n: number) => void = () => undefined;
    const read = sharedRead(
      () =>
        new Promise<number>((resolve) => {
          reads++;
          release = resolve;
        }),
    );
    const together = [read(), read(), read()];
    release(42);
    expect(await Promise.all(together)).toEqual([42, 42, 42]);
    expect(reads).toBe(1);
    const next = read();
    release(43);
    expect(await next).toBe(43);
    expect(reads).toBe(2);
  });
});
