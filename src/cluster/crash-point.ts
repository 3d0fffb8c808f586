// Named crash points for fault tests: when SHOAL_CRASH_AT names this point, the process dies
// at once with SIGKILL (a real kill -9: no cleanup, no flush), so tests can stop a node
// between any two steps of a protocol and prove recovery.

/** Kills this process with SIGKILL when SHOAL_CRASH_AT equals `name`; otherwise nothing. */
export function crashPoint(name: string): void {
  if (process.env['SHOAL_CRASH_AT'] !== name) return;
  process.stderr.write(`crash at ${name}\n`);
  process.kill(process.pid, 'SIGKILL');
}
