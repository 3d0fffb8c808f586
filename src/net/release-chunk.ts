// Freeing a received chunk's memory as soon as its bytes are copied elsewhere. Node hands each
// chunk a socket read as its own ArrayBuffer, which only a garbage collection frees: a large
// body or fetch leaves tens of MB of dead chunks, and the pages the next ones need are faulted
// in anew (dear on a VM) while collections run for the external memory.

/**
 * Frees a copied chunk's memory now rather than at the next garbage collection: detaching
 * (transfer to an empty buffer) drops the only reference to its backing store. Only a chunk
 * that is its whole ArrayBuffer, so no other bytes are lost with it.
 */
export function releaseChunk(chunk: Uint8Array): void {
  const buffer = chunk.buffer;
  if (
    buffer instanceof ArrayBuffer &&
    chunk.byteOffset === 0 &&
    chunk.byteLength === buffer.byteLength &&
    !buffer.detached
  )
    buffer.transfer(0);
}
