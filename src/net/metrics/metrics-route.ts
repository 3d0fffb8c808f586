// GET /metrics: the node's metrics in Prometheus text format, for a Prometheus scrape.
//
// It asks for no login, as Prometheus scrapes usually do not: it reveals no data, only
// counts, states and positions. guardInternalRoutes guards /internal/* alone, so it lets
// this path through.

import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from './metrics-registry.ts';

/** The path Prometheus scrapes. */
export const METRICS_PATH = '/metrics';

/** Adds GET /metrics answering with `metrics`' current text. */
export function registerMetricsRoute(app: FastifyInstance, metrics: MetricsRegistry): void {
  // Scraped every few seconds for the node's whole life: only failures are worth a log line.
  app.get(METRICS_PATH, { logLevel: 'warn' }, async (_request, reply) => {
    const text = await metrics.text();
    return reply.type(metrics.contentType).send(text);
  });
}
