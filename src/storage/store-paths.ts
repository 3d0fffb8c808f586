// Where things live under a store's root (the on-disk layout, docs/ARCHITECTURE.md):
//   <root>/catalog/                         LMDB environment (the catalog)
//   <root>/data/<dbId>/                     one folder per database
//   <root>/data/<dbId>/<tableId>/<partitionKey>/<segmentId>.arrow

import * as path from 'node:path';

export const CATALOG_DIR = 'catalog';
export const DATA_DIR = 'data';
export const SEGMENT_SUFFIX = '.arrow';

export function databaseDir(root: string, dbId: number): string {
  return path.join(root, DATA_DIR, String(dbId));
}

export function tableDir(root: string, dbId: number, tableId: number): string {
  return path.join(databaseDir(root, dbId), String(tableId));
}

export function partitionDir(root: string, dbId: number, tableId: number, key: string): string {
  return path.join(tableDir(root, dbId, tableId), ...key.split('/'));
}

export function segmentPath(
  root: string,
  dbId: number,
  tableId: number,
  key: string,
  segmentId: number,
): string {
  return path.join(partitionDir(root, dbId, tableId, key), `${segmentId}${SEGMENT_SUFFIX}`);
}
