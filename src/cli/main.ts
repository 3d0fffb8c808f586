#!/usr/bin/env node
// The `shoal` command. Subcommands live one per file; this file only wires them up and
// turns a ShoalError into its code and message with a non-zero exit status.

import { Command } from 'commander';
import { isShoalError } from '../core/errors.ts';
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
