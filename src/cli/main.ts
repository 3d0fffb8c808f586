#!/usr/bin/env node
// The `shoal` command. Subcommands live one per file; this file only wires them up and
// turns a ShoalError into its code and message with a non-zero exit status.

import { Command } from 'commander';
import { isShoalError, ShoalError } from '../core/errors.ts';
import { runClusterInit } from './cluster-init.ts';
import type { ClusterInitArguments } from './cluster-init.ts';
import { runClusterStart } from './cluster-start.ts';
import { runClusterStop } from './cluster-stop.ts';
import { runDemo } from './demo-command.ts';
import { runNodeCommand } from './node-command.ts';
import { describeError, runSql } from './sql-command.ts';
import { PASSWORD_ENV, runRemoteSql, sqlTarget } from './sql-remote.ts';
import { runStatus } from './status-command.ts';
import type { SqlTargetOptions } from './sql-remote.ts';

const program = new Command()
  .name('shoal')
  .description(
    'Shoal: a distributed, partitioned, columnar database with cluster asynchronous replication',
  )
  .version('0.1.0');

program
  .command('demo')
  .description(
    'start a master and a slave cluster, run the seed tutorial, and check the slave matches',
  )
  .option('--rows <n>', 'one-minute bars to append (the seed: 1210000)', '1210000')
  .option('--json', 'print one JSON object (rows, lag, checksums, match) instead of tables', false)
  .option('--keep', 'leave both clusters running and print their dashboards', false)
  .action(async (options: { rows: string; json: boolean; keep: boolean }) => {
    process.exitCode = await runDemo({
      rows: Number(options.rows),
      json: options.json,
      keep: options.keep,
      out: process.stdout,
      err: process.stderr,
    });
  });

program
  .command('sql')
  .description('run SQL statements on an embedded store in a folder, or on a running node')
  .option('--data <dir>', 'the embedded store folder (created when missing)')
  .option('--host <host:port>', 'a node of a running cluster (instead of --data)')
  .option('-u, --user <name>', 'the user to log in as on --host')
  .option('-p, --password <password>', `the password for --host (or set ${PASSWORD_ENV})`)
  .option('--json', 'print the last result as JSON instead of tables', false)
  .argument(
    '[statements]',
    'statements separated by ";" or new lines; read from stdin when absent or "-"',
  )
  .action(async (statements: string | undefined, options: SqlCommandOptions) => {
    const target = sqlTarget(options, process.env);
    const text = statements === undefined || statements === '-' ? await readStdin() : statements;
    const output = { text, json: options.json, out: process.stdout, err: process.stderr };
    process.exitCode =
      target.kind === 'data'
        ? await runSql({ dataDir: target.dataDir, ...output })
        : await runRemoteSql({ ...target, ...output });
  });

program
  .command('status')
  .description("a cluster's nodes, replication state and lag, and its replication tables")
  .requiredOption('--host <host:port>', 'any node of the cluster (the controller too)')
  .option('-u, --user <name>', 'an admin user', 'admin')
  .option('-p, --password <password>', `the password (or set ${PASSWORD_ENV})`)
  .option('--tasks <n>', 'latest tasks to show', '10')
  .option('--json', 'print one JSON object instead of tables', false)
  .action(async (options: StatusCommandOptions) => {
    const target = sqlTarget(options, process.env);
    if (target.kind !== 'host') throw new Error('status always has --host');
    const tasks = Number(options.tasks);
    if (!Number.isInteger(tasks) || tasks < 0) {
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `--tasks must be a whole number, not ${options.tasks}`,
      );
    }
    process.exitCode = await runStatus({
      ...target,
      json: options.json,
      tasks,
      out: process.stdout,
      err: process.stderr,
    });
  });

interface StatusCommandOptions extends SqlTargetOptions {
  readonly json: boolean;
  readonly tasks: string;
}

interface SqlCommandOptions extends SqlTargetOptions {
  readonly json: boolean;
}

const cluster = program.command('cluster').description('create, start and stop a local cluster');

cluster
  .command('init')
  .description('write controller.cfg, cluster.cfg and cluster.nodes for a cluster on this machine')
  .argument('<dir>', 'an empty folder for the configuration (created when missing)')
  .option('--datanodes <n>', 'number of data nodes (default 2)')
  .option('--port <p>', 'controller port; data nodes take the next ports (default 8900)')
  .option('--admin-password <pw>', 'the admin password (default 123456, loopback only)')
  .option('--host <host>', 'the address every node listens on (default 127.0.0.1)')
  .option('--mode <mode>', 'replication role: master or slave (default: none)')
  .option('--slaves <n>', 'master: most slaves served (clusterReplicationSlaveNum, default 2)')
  .option('--master-ctl <host:port>', "slave: the master cluster's controller")
  .option('--master-user <user>', 'slave: the master user it pulls as (default admin)')
  .option('--master-password <pw>', "slave: that user's password (default: --admin-password)")
  .option('--exec-user <user>', 'slave: the user that replays tasks (default admin)')
  .option('--exec-password <pw>', "slave: that user's password (default: --admin-password)")
  .action(async (dir: string, options: ClusterInitArguments) => {
    await runClusterInit({ ...options, dir }, process.stdout);
  });

cluster
  .command('start')
  .description('start every node of the cluster in DIR in the background and wait until ready')
  .argument('<dir>', 'the config folder `cluster init` wrote')
  .option('--timeout-ms <n>', 'longest wait for every node to be ready (default 60000)')
  .action(async (dir: string, options: { timeoutMs?: string }) => {
    process.exitCode = await runClusterStart(
      { dir, ...options },
      { out: process.stdout, err: process.stderr },
    );
  });

cluster
  .command('stop')
  .description('stop the nodes `cluster start` ran: data nodes first, then the controller')
  .argument('<dir>', 'the config folder of the cluster')
  .option(
    '--timeout-ms <n>',
    "wait per phase before SIGKILL (default 30000; a master's controller: its drain time too)",
  )
  .action(async (dir: string, options: { timeoutMs?: string }) => {
    process.exitCode = await runClusterStop(
      { dir, ...options },
      { out: process.stdout, err: process.stderr },
    );
  });

program
  .command('node')
  .description('run one node of a cluster in the foreground until SIGTERM or SIGINT')
  .argument('<dir>', 'the config folder of the cluster')
  .argument('<alias>', 'the node to run, as named in cluster.nodes')
  .argument('[settings...]', '--key=value settings for this node alone')
  .allowUnknownOption()
  .action(async (dir: string, alias: string, settings: string[]) => {
    await runNodeCommand({ dir, alias, settings });
  });

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isShoalError(error)) {
    process.stderr.write(describeError(error, ''));
    process.exitCode = 1;
  } else {
    throw error;
  }
}
