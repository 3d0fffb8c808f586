#!/usr/bin/env node
// The `shoal` command. Subcommands live one per file; this file only wires them up and
// turns a ShoalError into its code and message with a non-zero exit status.

import { Command } from 'commander';
import { isShoalError } from '../core/errors.ts';
import { runClusterInit } from './cluster-init.ts';
import { runDemo } from './demo-command.ts';
import { describeError, runSql } from './sql-command.ts';

const program = new Command()
  .name('shoal')
  .description(
    'Shoal: a distributed, partitioned, columnar database with cluster asynchronous replication',
  )
  .version('0.1.0');

program
  .command('demo')
  .description('run the seed tutorial end to end and check the result')
  .option('--stocks <n>', 'number of stocks (242 one-minute bars each)', '5000')
  .action(async (options: { stocks: string }) => {
    await runDemo({ stocks: Number(options.stocks), out: process.stdout });
  });

program
  .command('sql')
  .description('run SQL statements on an embedded store in a folder')
  .requiredOption('--data <dir>', 'the store folder (created when missing)')
  .option('--json', 'print the last result as JSON instead of tables', false)
  .argument(
    '[statements]',
    'statements separated by ";" or new lines; read from stdin when absent or "-"',
  )
  .action(async (statements: string | undefined, options: { data: string; json: boolean }) => {
    const text = statements === undefined || statements === '-' ? await readStdin() : statements;
    process.exitCode = await runSql({
      dataDir: options.data,
      text,
      json: options.json,
      out: process.stdout,
      err: process.stderr,
    });
  });

const cluster = program.command('cluster').description('create, start and stop a local cluster');

cluster
  .command('init')
  .description('write controller.cfg, cluster.cfg and cluster.nodes for a cluster on this machine')
  .argument('<dir>', 'an empty folder for the configuration (created when missing)')
  .option('--datanodes <n>', 'number of data nodes (default 2)')
  .option('--port <p>', 'controller port; data nodes take the next ports (default 8900)')
  .option('--admin-password <pw>', 'the admin password (default 123456, loopback only)')
  .option('--host <host>', 'the address every node listens on (default 127.0.0.1)')
  .action(
    async (
      dir: string,
      options: { datanodes?: string; port?: string; adminPassword?: string; host?: string },
    ) => {
      await runClusterInit({ dir, ...options }, process.stdout);
    },
  );

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
