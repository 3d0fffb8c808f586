// Proves stopProcesses ends a process that exits on SIGTERM as "stopped" and one that ignores
// SIGTERM as "killed" once the timeout passes, and that isProcessAlive sees both go. How: real
// child processes.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive, processArguments } from './process-probe.ts';
import { describeStop, killProcess, stopProcesses } from './stop-processes.ts';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A child that prints "up" once its SIGTERM handling is in place. */
async function child(ignoreTerm: boolean): Promise<number> {
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('up');`;
  const proc = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  await once(proc.stdout, 'data');
  if (proc.pid === undefined) throw new Error('no pid');
  return proc.pid;
}

describe('stopProcesses', () => {
  it('stops on SIGTERM, and kills what ignores it after the timeout', async () => {
    const polite = await child(false);
    const stubborn = await child(true);
    expect(await isProcessAlive(polite)).toBe(true);
    expect((await processArguments(polite))?.[1]).toBe('-e');
    const started = Date.now();
    const outcomes = await stopProcesses(
      [
        { alias: 'polite', pid: polite },
        { alias: 'stubborn', pid: stubborn },
      ],
      300,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Object.fromEntries(outcomes)).toEqual({ polite: 'stopped', stubborn: 'killed' });
    expect(await isProcessAlive(polite)).toBe(false);
    expect(await isProcessAlive(stubborn)).toBe(false);
  });

  it('reports a process that is already gone as stopped, and kills on demand', async () => {
    const pid = await child(true);
    expect(await killProcess(pid)).toBe(true);
    const outcomes = await stopProcesses([{ alias: 'gone', pid }], 1_000);
    expect(outcomes.get('gone')).toBe('stopped');
    expect(await isProcessAlive(-1)).toBe(false);
  });

  it('describes each outcome with the pid', () => {
    expect(describeStop('stopped', 7)).toBe('stopped (pid 7)');
    expect(describeStop('killed', 7)).toContain('SIGKILL');
    expect(describeStop('still running', 7)).toContain('by hand');
  });
});
