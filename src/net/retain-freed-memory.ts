// Keeping the memory a node frees for its next large request, instead of handing it back to
// the system and faulting it in again. glibc's malloc returns the top of its heap to the
// system once more than its trim threshold (128 KiB at start) is free there, and serves every
// block over its mmap threshold (128 KiB) from fresh pages. A bulk append allocates and frees
// tens of MB of such blocks (request chunks, partition slices, segment encodings), so each
// append paid to fault its working memory in anew: on a VM, 10-30k page faults, ~100 ms of a
// 70 MB append. glibc raises both thresholds itself (mmap to the size of a freed mmapped block
// up to 32 MiB, trim to twice that: mallopt(3), "dynamic mmap threshold"); freeing one such
// block at start does so once, for the node's life.

import { RETAINED_BLOCK_BYTES } from './net-limits.ts';

/**
 * Lets this process keep up to ~2 × RETAINED_BLOCK_BYTES of freed heap for reuse (glibc; other
 * allocators ignore it). Costs no resident memory by itself: the block it frees is never
 * touched. Call once when a process that serves large requests starts; calling again is free.
 */
export function retainFreedMemory(): void {
  // Allocated zeroed, so mmapped untouched; transfer(0) frees it now rather than at a GC.
  new ArrayBuffer(RETAINED_BLOCK_BYTES).transfer(0);
}
