// The last lines of a node's log, for `cluster start` to show why a node failed. Only the
// end of the file is read, so a large log costs no more than a small one.

import { open } from 'node:fs/promises';
import { LOG_TAIL_MAX_BYTES } from './process-limits.ts';

/** The last `count` lines of `file` (fewer when it is shorter; none when it is missing). */
export async function logTail(file: string, count: number): Promise<readonly string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = (await handle.stat()).size;
    const length = Math.min(size, LOG_TAIL_MAX_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    // When the read began mid-file its first line is cut: drop it unless it is all we have.
    if (length < size && lines.length > 1) lines.shift();
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}
