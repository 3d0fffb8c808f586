// `shoal node DIR ALIAS [--key=value …]`: runs one node of the cluster configured in DIR in
// the foreground, with the cluster's services, until SIGTERM or SIGINT. `cluster start` runs
// this command once per node, detached, with its output in DIR/logs/ALIAS.log.

import { isShoalError } from '../core/errors.ts';
import { runNode } from '../cluster/process/node-runtime.ts';
import { CLUSTER_SERVICES } from '../cluster/services.ts';
import { describeError } from './sql-command.ts';

/** The command line of `shoal node`. */
export interface NodeCommandArguments {
  readonly dir: string;
  readonly alias: string;
  /** `--key=value` settings for this node alone. */
  readonly settings: readonly string[];
}

/**
 * Starts the node; once it is ready the process serves until signalled (runNode owns the
 * exit). A node that cannot start prints why and exits 1 at once: its service may have left
 * timers or handles that would otherwise keep a failed process alive.
 */
export async function runNodeCommand(args: NodeCommandArguments): Promise<void> {
  try {
    await runNode({
      configDir: args.dir,
      alias: args.alias,
      overrides: args.settings,
      services: CLUSTER_SERVICES,
    });
  } catch (error) {
    process.stderr.write(
      isShoalError(error)
        ? `node ${args.alias} cannot start: ${describeError(error, '')}`
        : `node ${args.alias} cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
}
