// Partition keys: each partition's stable identity and directory name, in DolphinDB's style.
// VALUE 20230108 / 202301M / 42 / AAPL, RANGE <lo>_<hi>, HASH Key<i>, LIST List<i>, COMPO
// <level1>/<level2>. Keys are written to disk, so this format must never change.

import { unreachable } from '../assert.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import type { PartitionScheme } from './partition-scheme.ts';
import { indexScheme } from './scheme-index.ts';
import type { LevelIndex } from './scheme-index.ts';
import { formatCellCompact } from './value-format.ts';

const SAFE = /^[A-Za-z0-9_.-]$/;

/**
 * `text` with every character outside [A-Za-z0-9_.-] (and those in `alsoEscape`) as %XX per
 * UTF-8 byte (a lone surrogate as its 3-byte WTF-8 form), so distinct texts stay distinct and
 * every key is a filesystem-safe name. A text of only dots is escaped whole: `.` and `..` are
 * not directory names.
 */
export function encodeKeyText(text: string, alsoEscape = ''): string {
  if (/^\.+$/.test(text)) return '%2E'.repeat(text.length);
  let out = '';
  for (const char of text) {
    if (SAFE.test(char) && !alsoEscape.includes(char)) out += char;
    else out += percentEncode(char.codePointAt(0) ?? 0);
  }
  return out;
}

function percentEncode(codePoint: number): string {
  const bytes =
    codePoint < 0x80
      ? [codePoint]
      : codePoint < 0x800
        ? [0xc0 | (codePoint >> 6), 0x80 | (codePoint & 63)]
        : codePoint < 0x10000
          ? [0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 63), 0x80 | (codePoint & 63)]
          : [
              0xf0 | (codePoint >> 18),
              0x80 | ((codePoint >> 12) & 63),
              0x80 | ((codePoint >> 6) & 63),
              0x80 | (codePoint & 63),
            ];
  return bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** One value as a key component; RANGE components also escape `_`, their separator. */
function valueKey(type: ColumnType, value: CellValue, alsoEscape = ''): string {
  return encodeKeyText(formatCellCompact(type, value), alsoEscape);
}

/** The key of partition `partition` (0-based, in scheme order) of one level. */
export function levelKey(level: LevelIndex, partition: number): string {
  switch (level.kind) {
    case 'VALUE':
      return valueKey(level.type, level.values[partition]!);
    case 'RANGE': {
      const lo = valueKey(level.type, level.boundaries[partition]!, '_');
      return `${lo}_${valueKey(level.type, level.boundaries[partition + 1]!, '_')}`;
    }
    case 'HASH':
      return `Key${partition}`;
    case 'LIST':
      return `List${partition}`;
    default:
      return unreachable(level);
  }
}

/** The key of the partition with level partitions `parts` (one per level). */
export function compositeKey(levels: readonly LevelIndex[], parts: readonly number[]): string {
  return levels.map((level, i) => levelKey(level, parts[i]!)).join('/');
}

/**
 * Every partition key of `scheme`, in scheme order (for COMPO, level 1 major). Keys are unique
 * within a scheme. Throws ShoalError INVALID_PARTITION_SCHEME for an invalid scheme.
 */
export function partitionKeys(scheme: PartitionScheme): string[] {
  const { levels } = indexScheme(scheme);
  const perLevel = levels.map((level) =>
    Array.from({ length: level.count }, (_, i) => levelKey(level, i)),
  );
  const [first = [], second] = perLevel;
  if (second === undefined) return first;
  return first.flatMap((a) => second.map((b) => `${a}/${b}`));
}
