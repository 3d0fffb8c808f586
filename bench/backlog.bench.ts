// The backlog benchmark (issue: replication, SPEC §10 "memory of any process during a 10 GB
// backlog: flat, ≤ 512 MiB RSS"): a master and a slave cluster (each 1 controller + 2 data
// nodes, real processes on loopback). The slave is stopped while the master takes tutorial
// appends (one day each, so partitions stay day-sized) until it holds SHOAL_BENCH_BACKLOG_GB
// (10 when unset) of task data for the slave; then the slave is started and catches up. The
// resident memory of every process is sampled throughout; the result is each one's peak.
// It writes about three times the backlog to the temporary folder's disk.

import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { TUTORIAL_DB, TUTORIAL_SCHEMA, tutorialColumns } from '../src/cli/tutorial-data.ts';
import type { Connection } from '../src/client/index.ts';
import { columnLength } from '../src/core/types/column.ts';
import type { Column } from '../src/core/types/column.ts';
import { startTestCluster } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';
import {
  adminSession as login,
  slaveOverrides,
  tableColumn as column,
} from '../src/replication/test-support.ts';
import { residentKiB } from './machine.ts';

const TABLE = 'backlog';
/** How often every process's resident memory is read. */
const SAMPLE_MILLIS = 250;
const MIB = 2 ** 20;

export interface BacklogResult {
  /** Task data the master held for the stopped slave at its largest, GiB. */
  readonly backlogGiB: number;
  readonly appends: number;
  readonly rows: number;
  /** Master appends per second while the slave was stopped. */
  readonly masterRowsPerSec: number;
  /** The slave's catch-up from its start until it finished the last task. */
  readonly catchUpSeconds: number;
  readonly catchUpRowsPerSec: number;
  /** Peak resident memory of each process over the whole run, MiB (SPEC §10: ≤ 512). */
  readonly peakRssMiB: Readonly<Record<string, number>>;
}

export async function benchBacklog(): Promise<BacklogResult> {
  const targetBytes = Number(process.env['SHOAL_BENCH_BACKLOG_GB'] ?? 10) * 2 ** 30;
  await requireFreeDisk(4 * targetBytes);
  const master = await startTestCluster({
    overrides: ['clusterReplicationMode=master', 'clusterReplicationIntervalMillis=10'],
  });
  let slave: TestCluster | undefined;
  try {
    slave = await startTestCluster({ overrides: slaveOverrides(master.controllerUrl) });
    const sampler = new RssSampler([
      ...master.nodes.map((n) => ({ alias: `master.${n.alias}`, pid: n.pid })),
      ...slave.nodes.map((n) => ({ alias: `slave.${n.alias}`, pid: n.pid })),
    ]);
    try {
      return { ...(await measure(master, slave, targetBytes)), peakRssMiB: sampler.peaks() };
    } finally {
      sampler.stop();
    }
  } finally {
    await slave?.stop();
    await master.stop();
  }
}

async function measure(
  master: TestCluster,
  slave: TestCluster,
  targetBytes: number,
): Promise<Omit<BacklogResult, 'peakRssMiB'>> {
  const onMaster = await login(master.dataNodeUrls[0] as string);
  const onSlave = await login(slave.dataNodeUrls[0] as string);
  try {
    const schema = TUTORIAL_SCHEMA.map((c) => `${c.name} ${c.type}`).join(', ');
    await onMaster.run(
      `create database "${TUTORIAL_DB}" partitioned by VALUE(2023.01.01..2023.12.31)`,
    );
    await onMaster.run(`setDatabaseForClusterReplication("${TUTORIAL_DB}", true)`);
    await onMaster.run(
      `create table "${TUTORIAL_DB}"."${TABLE}"(${schema}) partitioned by DateTime`,
    );
    await caughtUp(onMaster, onSlave);
    await onSlave.run('stopClusterReplication()');

    const columns = tutorialColumns();
    const rowsPerAppend = columnLength(columns[0] as Column);
    let appends = 0;
    const started = performance.now();
    while ((await stateCell(onMaster, 'backlogBytes')) < targetBytes) {
      // Day `appends` of 2023 (days past the year wrap): a partition per append.
      await onMaster.append(TUTORIAL_DB, TABLE, onDay(columns, (appends % 358) - 7));
      appends++;
    }
    const appendSeconds = (performance.now() - started) / 1000;
    const backlogBytes = await stateCell(onMaster, 'backlogBytes');

    const catchUpStart = performance.now();
    await onSlave.run('startClusterReplication()');
    await caughtUp(onMaster, onSlave);
    const catchUpSeconds = (performance.now() - catchUpStart) / 1000;
    const rows = appends * rowsPerAppend;
    return {
      backlogGiB: Math.round((backlogBytes / 2 ** 30) * 100) / 100,
      appends,
      rows,
      masterRowsPerSec: Math.round(rows / appendSeconds),
      catchUpSeconds: Math.round(catchUpSeconds * 10) / 10,
      catchUpRowsPerSec: Math.round(rows / catchUpSeconds),
    };
  } finally {
    await onMaster.close();
    await onSlave.close();
  }
}

/** Refuses to start unless the temporary folder's disk has `bytes` free. */
async function requireFreeDisk(bytes: number): Promise<void> {
  const disk = await statfs(tmpdir());
  const free = disk.bavail * disk.bsize;
  if (free < bytes) {
    throw new Error(
      `the backlog benchmark needs ${Math.ceil(bytes / 2 ** 30)} GiB free in ${tmpdir()} and has ${Math.floor(free / 2 ** 30)}: set SHOAL_BENCH_BACKLOG_GB lower (e.g. 1)`,
    );
  }
}

/** The tutorial's rows moved `days` days from their 2023.01.08. */
function onDay(columns: readonly Column[], days: number): Column[] {
  return columns.map((c, i) => {
    if (i !== 1 || c.type !== 'DATETIME') return c;
    return { type: 'DATETIME', data: c.data.map((seconds) => seconds + days * 86_400) };
  });
}

async function stateCell(connection: Connection, name: string): Promise<number> {
  return Number(column(await connection.runOne('getClusterReplicationState()'), name)[0]);
}

/** Waits (up to 30 minutes) until the slave finished every task the master has. */
async function caughtUp(onMaster: Connection, onSlave: Connection): Promise<void> {
  const last = await stateCell(onMaster, 'lastTaskId');
  const deadline = performance.now() + 30 * 60_000;
  while ((await stateCell(onSlave, 'lastFinishedTaskId')) < last) {
    if (performance.now() > deadline) throw new Error('the slave did not catch up in 30 minutes');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads each process's resident memory every SAMPLE_MILLIS; keeps the peaks. */
class RssSampler {
  private readonly peak = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(processes: readonly { readonly alias: string; readonly pid: number }[]) {
    const sample = (): void => {
      for (const { alias, pid } of processes) {
        const kib = residentKiB(pid);
        if (kib !== undefined) this.peak.set(alias, Math.max(this.peak.get(alias) ?? 0, kib));
      }
    };
    sample();
    this.timer = setInterval(sample, SAMPLE_MILLIS);
  }

  peaks(): Record<string, number> {
    return Object.fromEntries(
      [...this.peak].map(([alias, kib]) => [alias, Math.round((kib * 1024) / MIB)]),
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
