// The network layer: HTTP server and client every node uses, and the wire formats of values,
// appended columns and partial aggregates (frames of JSON + Arrow IPC).

export { REUSED_BODY, createHttpServer, keepRequestBody, sendFrame } from './http-server.ts';
export type { BoundAddress, HttpServer, HttpServerOptions, KeepMemory } from './http-server.ts';
export { HttpClient } from './http-client.ts';
export { retainFreedMemory } from './retain-freed-memory.ts';
export type { BinaryBody, CallOptions, HttpClientOptions } from './http-client.ts';
export { HTTP_STATUS_BY_KIND } from './error-status.ts';
export { errorBody, errorFromBody } from './error-body.ts';
export type { ErrorBody } from './error-body.ts';
export {
  WIRE_CONTENT_TYPE,
  concatBytes,
  decodeFrame,
  encodeFrame,
  readFrameBytes,
  readFrames,
} from './wire-frame.ts';
export type { FrameContent, FrameReading, ReadFrame } from './wire-frame.ts';
export { BodyBufferPool } from './body-buffer-pool.ts';
export { ReadAhead } from './read-ahead.ts';
export {
  columnsFromFrame,
  columnsToFrame,
  decodeColumns,
  decodeValue,
  encodeColumns,
  encodeValue,
  encodeValueChunks,
  valueFromFrame,
  valueToFrame,
} from './wire-values.ts';
export type { DecodedColumns } from './wire-values.ts';
export { decodePartial, encodePartial, partialFromFrame, partialToFrame } from './wire-partial.ts';
export type { WireJson } from './wire-json.ts';
