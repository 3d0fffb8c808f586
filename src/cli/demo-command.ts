// `shoal demo` (and `npm start`), SPEC §9: a master and a slave cluster on this machine run
// the seed tutorial — create dfs://testDB, enable its replication, create testTB, append the
// one-minute bars — while progress bars show the master loading and the slave catching up.
// Then both sides' status tables, the slave's metrics, the commit → readable-on-slave lag and
// the checksums; it stops everything and succeeds only when both sides hold the same rows.

import cliProgress from 'cli-progress';
import { connect } from '../client/connection.ts';
import type { Connection } from '../client/connection.ts';
import { ShoalError } from '../core/errors.ts';
import type { Column } from '../core/types/column.ts';
import { takeAll } from '../query/result-rows.ts';
import { valueToJson } from '../query/value-json.ts';
import type { Value } from '../query/value.ts';
import { DASHBOARD_PATH } from '../cluster/dashboard/dashboard-assets.ts';
import { createDemoFolder } from './demo-clusters.ts';
import type { DemoClusters } from './demo-clusters.ts';
import { printShown } from './sql-command.ts';
import {
  TUTORIAL_BARS_PER_STOCK,
  TUTORIAL_DB,
  TUTORIAL_TABLE,
  tutorialColumns,
} from './tutorial-data.ts';

/** What `shoal demo` was asked. */
export interface DemoOptions {
  /** Rows to append (the seed's 1,210,000 by default). */
  readonly rows: number;
  /** Print one JSON object instead of tables and bars. */
  readonly json: boolean;
  /** Leave both clusters running and say how to reach and stop them. */
  readonly keep: boolean;
  readonly out: NodeJS.WritableStream;
  /** Where progress bars go (drawn only on a terminal). */
  readonly err: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

/** What `--json` prints. */
export interface DemoSummary {
  readonly rows: number;
  readonly masterRows: number;
  readonly slaveRows: number;
  /** From the last append's acknowledgement to all rows readable on the slave. */
  readonly lagMillis: number;
  readonly masterChecksum: string;
  readonly slaveChecksum: string;
  readonly match: boolean;
  /** With --keep: where the clusters live and their dashboards. */
  readonly kept?: {
    readonly dir: string;
    readonly masterDashboard: string;
    readonly slaveDashboard: string;
  };
}

/** Most rows the demo appends: they are generated in memory. */
export const MAX_DEMO_ROWS = 20_000_000;
/** The append is split into this many transactions, so progress shows on both sides. */
const DEMO_BATCHES = 10;
/** Longest the demo waits for the slave to catch up. */
const CATCH_UP_TIMEOUT_MILLIS = 600_000;
/** How often the slave's row count is read while it catches up. */
const POLL_MILLIS = 20;

const SCHEMA =
  'SecurityID SYMBOL, DateTime DATETIME, PreClosePx DOUBLE, OpenPx DOUBLE, HighPx DOUBLE, LowPx DOUBLE, LastPx DOUBLE, Volume INT, Amount DOUBLE';
const TABLE = `loadTable("${TUTORIAL_DB}", "${TUTORIAL_TABLE}")`;

/** Runs the demo; resolves to the exit status: 0 only when master and slave match. */
export async function runDemo(options: DemoOptions): Promise<number> {
  checkRows(options.rows);
  const say = (line: string): void => {
    if (!options.json) options.out.write(`${line}\n`);
  };
  say('Shoal demo: a master and a slave cluster on this machine, the seed tutorial, replication');
  const folder = await createDemoFolder();
  say(`folder: ${folder.dir}`);
  const interrupted = (): void => {
    options.err.write('\ninterrupted: stopping both clusters\n');
    void folder.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  let keep = false;
  try {
    const clusters = await folder.start(say);
    const result = await tutorial(clusters, options, say);
    const summary: DemoSummary = options.keep
      ? {
          ...result,
          kept: {
            dir: clusters.dir,
            masterDashboard: `${clusters.master.controllerUrl}${DASHBOARD_PATH}`,
            slaveDashboard: `${clusters.slave.controllerUrl}${DASHBOARD_PATH}`,
          },
        }
      : result;
    if (options.json) options.out.write(`${JSON.stringify(summary)}\n`);
    keep = options.keep;
    if (keep) printKeep(clusters, say);
    return summary.match ? 0 : 1;
  } finally {
    process.off('SIGINT', interrupted);
    if (!keep) {
      say('stopping both clusters');
      await folder.stop();
    }
  }
}

function checkRows(rows: number): void {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_DEMO_ROWS) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `--rows must be a whole number from 1 to ${MAX_DEMO_ROWS}, not ${rows}`,
    );
  }
}

async function tutorial(
  clusters: DemoClusters,
  options: DemoOptions,
  say: (line: string) => void,
): Promise<DemoSummary> {
  const login = (url: string): Promise<Connection> =>
    connect(url, { user: 'admin', password: clusters.password, timeoutMillis: 300_000 });
  const onMaster = await login(clusters.master.dataNodeUrls[0] as string);
  const onSlave = await login(clusters.slave.dataNodeUrls[0] as string);
  try {
    say(
      `creating ${TUTORIAL_DB} (VALUE over 2023.01.01..2023.12.31), enabling its replication, creating ${TUTORIAL_TABLE}`,
    );
    await onMaster.run(
      `create database "${TUTORIAL_DB}" partitioned by VALUE(2023.01.01..2023.12.31)`,
    );
    await onMaster.run(`setDatabaseForClusterReplication("${TUTORIAL_DB}", true)`);
    await onMaster.run(
      `create table "${TUTORIAL_DB}"."${TUTORIAL_TABLE}"(${SCHEMA}) partitioned by DateTime`,
    );
    const lagMillis = await load(onMaster, onSlave, options, say);
    const masterChecksum = await text(
      onMaster,
      `tableChecksum("${TUTORIAL_DB}", "${TUTORIAL_TABLE}")`,
    );
    const slaveChecksum = await text(
      onSlave,
      `tableChecksum("${TUTORIAL_DB}", "${TUTORIAL_TABLE}")`,
    );
    const summary: DemoSummary = {
      rows: options.rows,
      masterRows: await count(onMaster),
      slaveRows: await count(onSlave),
      lagMillis,
      masterChecksum,
      slaveChecksum,
      match: masterChecksum === slaveChecksum,
    };
    if (!options.json) await report(onMaster, onSlave, summary, options.out);
    return summary;
  } finally {
    await onMaster.close().catch(() => undefined);
    await onSlave.close().catch(() => undefined);
  }
}

/**
 * Appends the rows in DEMO_BATCHES transactions while a second bar follows the slave's row
 * count; the lag in milliseconds from the last acknowledgement to every row on the slave.
 */
async function load(
  onMaster: Connection,
  onSlave: Connection,
  options: DemoOptions,
  say: (line: string) => void,
): Promise<number> {
  const columns = tutorialColumns(1, Math.ceil(options.rows / TUTORIAL_BARS_PER_STOCK));
  const batches = Math.min(DEMO_BATCHES, options.rows);
  say(
    `appending ${options.rows.toLocaleString('en-US')} one-minute bars in ${batches} transactions`,
  );
  const progress = progressOf(options, say);
  let following = true;
  const follow = (async (): Promise<void> => {
    while (following) {
      // Before the slave has created the table, it holds no rows yet.
      progress.slave(await count(onSlave).catch(() => 0));
      await pause(200);
    }
  })();
  try {
    let done = 0;
    for (let b = 0; b < batches; b++) {
      const end = Math.round(((b + 1) * options.rows) / batches);
      await onMaster.append(TUTORIAL_DB, TUTORIAL_TABLE, rowsBetween(columns, done, end));
      done = end;
      progress.master(done);
    }
    const acked = Date.now();
    await untilSlaveHas(onSlave, options.rows);
    const lagMillis = Date.now() - acked;
    progress.slave(options.rows);
    return lagMillis;
  } finally {
    following = false;
    await follow.catch(() => undefined);
    progress.stop();
  }
}

/** Where the load's progress goes: two bars on a terminal, a line per batch otherwise. */
interface Progress {
  master(rows: number): void;
  slave(rows: number): void;
  stop(): void;
}

function progressOf(options: DemoOptions, say: (line: string) => void): Progress {
  if (options.json || options.err.isTTY !== true) {
    let slaveRows = 0;
    return {
      master: (rows) =>
        say(
          `  committed ${rows}/${options.rows} rows on the master; ${slaveRows} readable on the slave`,
        ),
      slave: (rows) => {
        slaveRows = rows;
      },
      stop: () => undefined,
    };
  }
  const bars = new cliProgress.MultiBar(
    {
      stream: options.err,
      format: ' {side} |{bar}| {percentage}% | {value}/{total} rows',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const masterBar = bars.create(options.rows, 0, { side: 'master (committed)' });
  const slaveBar = bars.create(options.rows, 0, { side: 'slave  (readable) ' });
  return {
    master: (rows) => masterBar.update(rows),
    slave: (rows) => slaveBar.update(rows),
    stop: () => bars.stop(),
  };
}

async function untilSlaveHas(onSlave: Connection, rows: number): Promise<void> {
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MILLIS;
  while ((await count(onSlave).catch(() => 0)) < rows) {
    if (Date.now() > deadline) {
      const state = await onSlave.runOne('getClusterReplicationState()');
      throw new ShoalError(
        'NODE_UNAVAILABLE',
        `the slave did not catch up in ${CATCH_UP_TIMEOUT_MILLIS / 1000} s: ${JSON.stringify(valueToJson(state))}`,
      );
    }
    await pause(POLL_MILLIS);
  }
}

/** Rows [from, to) of `columns`. */
function rowsBetween(columns: readonly Column[], from: number, to: number): Column[] {
  return takeAll(
    columns,
    Int32Array.from({ length: to - from }, (_, i) => from + i),
  );
}

/** The tables an operator would look at, then the lag and the verdict. */
async function report(
  onMaster: Connection,
  onSlave: Connection,
  summary: DemoSummary,
  out: NodeJS.WritableStream,
): Promise<void> {
  const show = async (title: string, connection: Connection, statement: string): Promise<void> => {
    out.write(`\n== ${title}: ${statement}\n`);
    printShown(await connection.runOne(statement), out);
  };
  await show('master', onMaster, 'getMasterReplicationStatus()');
  await show('slave', onSlave, 'getSlaveReplicationStatus()');
  await show('slave', onSlave, 'getClusterReplicationMetrics(-1)');
  await show('master', onMaster, 'getClusterReplicationState()');
  await show('slave', onSlave, 'getClusterReplicationState()');
  out.write(
    [
      '',
      `rows: master ${summary.masterRows}, slave ${summary.slaveRows}`,
      `lag: the last append was readable on the slave ${summary.lagMillis} ms after the master acknowledged it`,
      `checksums: master ${summary.masterChecksum}, slave ${summary.slaveChecksum}`,
      summary.match
        ? 'MATCH: the slave holds exactly the rows of the master'
        : 'MISMATCH: the slave differs from the master',
      '',
    ].join('\n'),
  );
}

function printKeep(clusters: DemoClusters, say: (line: string) => void): void {
  say('');
  say('both clusters keep running (--keep):');
  say(`  master dashboard: ${clusters.master.controllerUrl}${DASHBOARD_PATH}`);
  say(`  slave dashboard:  ${clusters.slave.controllerUrl}${DASHBOARD_PATH}`);
  say(`  log in as admin with password ${clusters.password}`);
  say(
    `  status: npx shoal status --host ${new URL(clusters.slave.controllerUrl).host} -p ${clusters.password}`,
  );
  say(
    `  stop:   npx shoal cluster stop ${clusters.slave.dir} && npx shoal cluster stop ${clusters.master.dir}`,
  );
}

async function count(connection: Connection): Promise<number> {
  const value = await connection.runOne(`exec count(*) from ${TABLE}`);
  return value.kind === 'scalar' ? Number(value.value) : 0;
}

async function text(connection: Connection, statement: string): Promise<string> {
  const value: Value = await connection.runOne(statement);
  return value.kind === 'scalar' ? String(value.value) : '';
}

function pause(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
