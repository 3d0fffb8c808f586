// Arrow IPC bytes as the chunks the writer wrote. Arrow's own toUint8Array joins them into one
// new buffer: a copy of the whole table into fresh memory, which on a 70 MB append costs more
// than all the rest of its encoding. The chunks view the table's own buffers instead.

import { RecordBatchFileWriter, RecordBatchStreamWriter } from 'apache-arrow';
import type { Table } from 'apache-arrow';
import { assert } from '../core/assert.ts';

/**
 * `table` as Arrow IPC `format` bytes, in chunks to write in order. They view the table's
 * buffers, so they are valid while its columns are unchanged.
 */
export function ipcChunks(table: Table, format: 'stream' | 'file'): Uint8Array[] {
  const written: Uint8Array[] = [];
  const writer =
    format === 'stream' ? new StreamChunkWriter(written) : new FileChunkWriter(written);
  writer.writeAll(table);
  return written;
}

type WriterChunk = Parameters<RecordBatchStreamWriter['_write']>[0];

// The writer writes only while started, and only byte views (its messages and bodies).
function keep(written: Uint8Array[], started: boolean, chunk: WriterChunk): void {
  if (!started) return;
  assert(ArrayBuffer.isView(chunk), 'apache-arrow writes byte views');
  if (chunk.byteLength > 0) {
    written.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
}

class StreamChunkWriter extends RecordBatchStreamWriter {
  private readonly written: Uint8Array[];

  constructor(written: Uint8Array[]) {
    super();
    this.written = written;
  }

  protected override _write(chunk: WriterChunk): this {
    keep(this.written, this._started, chunk);
    return super._write(chunk);
  }
}

class FileChunkWriter extends RecordBatchFileWriter {
  private readonly written: Uint8Array[];

  constructor(written: Uint8Array[]) {
    super();
    this.written = written;
  }

  protected override _write(chunk: WriterChunk): this {
    keep(this.written, this._started, chunk);
    return super._write(chunk);
  }
}
