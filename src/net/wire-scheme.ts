// Partition schemes in a frame's JSON header (for database handles): the scheme's own shape
// with every boundary, value and list cell written exactly by wire-cells.ts.

import { unreachable } from '../core/assert.ts';
import type { LevelScheme, PartitionScheme } from '../core/partition/index.ts';
import type { CellValue, ColumnType } from '../core/types/column-type.ts';
import { cellFromWire, cellToWire } from './wire-cells.ts';
import { asArray, asColumnType, asCount, asObject, asString, malformed } from './wire-json.ts';
import type { WireJson } from './wire-json.ts';

/** A scheme as JSON that schemeFromWire reads back unchanged. */
export function schemeToWire(scheme: PartitionScheme): WireJson {
  switch (scheme.kind) {
    case 'VALUE':
      return { kind: scheme.kind, type: scheme.type, values: cells(scheme.type, scheme.values) };
    case 'RANGE':
      return {
        kind: scheme.kind,
        type: scheme.type,
        boundaries: cells(scheme.type, scheme.boundaries),
      };
    case 'HASH':
      return { kind: scheme.kind, type: scheme.type, buckets: scheme.buckets };
    case 'LIST':
      return {
        kind: scheme.kind,
        type: scheme.type,
        lists: scheme.lists.map((list) => cells(scheme.type, list)),
      };
    case 'COMPO':
      return { kind: scheme.kind, levels: scheme.levels.map(schemeToWire) };
    default:
      return unreachable(scheme);
  }
}

/** The scheme schemeToWire wrote (shape only: validateScheme judges its sense); BAD_REQUEST otherwise. */
export function schemeFromWire(json: unknown, where: string): PartitionScheme {
  const object = asObject(json, where);
  const kind = asString(object['kind'], `${where}.kind`);
  if (kind === 'COMPO') {
    const levels = asArray(object['levels'], `${where}.levels`);
    if (levels.length !== 2) throw malformed(`${where}.levels`, 'does not have two levels');
    return {
      kind,
      levels: [
        levelFromWire(levels[0], `${where}.levels[0]`),
        levelFromWire(levels[1], `${where}.levels[1]`),
      ],
    };
  }
  return levelFromWire(json, where);
}

function levelFromWire(json: unknown, where: string): LevelScheme {
  const object = asObject(json, where);
  const kind = asString(object['kind'], `${where}.kind`);
  const type = asColumnType(object['type'], `${where}.type`);
  switch (kind) {
    case 'VALUE':
      return { kind, type, values: cellsFrom(type, object['values'], `${where}.values`) };
    case 'RANGE':
      return {
        kind,
        type,
        boundaries: cellsFrom(type, object['boundaries'], `${where}.boundaries`),
      };
    case 'HASH':
      return { kind, type, buckets: asCount(object['buckets'], `${where}.buckets`) };
    case 'LIST':
      return {
        kind,
        type,
        lists: asArray(object['lists'], `${where}.lists`).map((list, i) =>
          cellsFrom(type, list, `${where}.lists[${i}]`),
        ),
      };
    default:
      throw malformed(`${where}.kind`, `names no level scheme (${kind})`);
  }
}

function cells(type: ColumnType, values: readonly CellValue[]): WireJson[] {
  return values.map((value) => cellToWire(type, value));
}

function cellsFrom(type: ColumnType, json: unknown, where: string): CellValue[] {
  return asArray(json, where).map((item, i) => cellFromWire(type, item, `${where}[${i}]`));
}
