// One node's Prometheus metrics: a prom-client Registry of its own (never the global default
// one, since tests run several node services in one process), with the process metrics and
// shoal_node_info already in it, and helpers for the metrics the node's services add.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Who the node is: the labels of shoal_node_info. */
export interface NodeIdentity {
  readonly alias: string;
  readonly role: 'controller' | 'datanode';
}

/** One value of a gauge read at scrape time, with its labels. */
export interface GaugeSample<L extends string> {
  readonly labels: Readonly<Partial<Record<L, string>>>;
  readonly value: number;
}

/** Reads a gauge's current values; called on every scrape (may be async). */
export type GaugeReader<L extends string> = () =>
  readonly GaugeSample<L>[] | Promise<readonly GaugeSample<L>[]>;

/** The metrics of one node; its text is what GET /metrics answers. */
export class MetricsRegistry {
  /** The Content-Type of `text()`: Prometheus text format 0.0.4. */
  readonly contentType: string;
  private readonly registry: Registry;

  constructor(node: NodeIdentity) {
    this.registry = new Registry();
    this.contentType = this.registry.contentType;
    collectDefaultMetrics({ register: this.registry });
    this.info('shoal_node_info', 'This Shoal node: its alias and role (always 1).', {
      alias: node.alias,
      role: node.role,
    });
  }

  /** A gauge that is always 1 and tells what by its labels (the `_info` convention). */
  info(name: string, help: string, labels: Readonly<Record<string, string>>): void {
    const gauge = new Gauge({
      name,
      help,
      labelNames: Object.keys(labels),
      registers: [this.registry],
    });
    gauge.set(labels, 1);
  }

  /** A counter the caller increments. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** A histogram over `buckets` (upper bounds, ascending) the caller observes into. */
  histogram<L extends string>(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames: readonly L[] = [],
  ): Histogram<L> {
    return new Histogram({
      name,
      help,
      buckets: [...buckets],
      labelNames,
      registers: [this.registry],
    });
  }

  /**
   * A gauge whose values `read` gives at each scrape; series it no longer gives disappear
   * (so a label set of the past is not reported as current).
   */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: GaugeReader<L>,
  ): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        const samples = await read();
        this.reset();
        for (const sample of samples) this.set(sample.labels, sample.value);
      },
    });
  }

  /** Every metric in Prometheus text format (rejects when a gauge's reader fails). */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * Wraps `read` so that the calls made while one is in flight share its answer: the gauges of
 * one scrape are collected together, so they read one snapshot (and pay for it once).
 */
export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    if (inFlight !== null) return inFlight;
    const current = read().finally(() => {
      inFlight = null;
    });
    inFlight = current;
    return current;
  };
}
