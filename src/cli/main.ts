#!/usr/bin/env node
// The `shoal` command. Subcommands live one per file; this file only wires them up and
// turns a ShoalError into its code and message with a non-zero exit status.

import { Command } from 'commander';
import { isShoalError } from '../core/errors.ts';
import { runDemo } from './demo-command.ts';

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

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isShoalError(error)) {
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
