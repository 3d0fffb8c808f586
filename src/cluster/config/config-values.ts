// Configuration values as text: parsing one by its ValueType, saying what a type allows (for
// error messages), and writing a value back as text (for the files `cluster init` writes).

import { unreachable } from '../../core/assert.ts';
import type { ConfigValue, HostPort, Site, ValueType } from './config-keys.ts';

/** A parsed value, or undefined when the text is not allowed (see describeAllowed). */
export type ParsedValue = { readonly value: ConfigValue } | undefined;

const INTEGER = /^-?\d{1,16}$/;
const HOST_NAME = /^[A-Za-z0-9._-]{1,253}$/;
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
const ALIAS = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Parses `text` (already trimmed, non-empty) as a value of `type`. */
export function parseConfigValue(type: ValueType, text: string): ParsedValue {
  switch (type.kind) {
    case 'string':
    case 'path':
      return text === '' ? undefined : { value: text };
    case 'integer':
      return wrap(parseInteger(type, text));
    case 'boolean':
      return wrap(parseBoolean(text));
    case 'enum':
      return wrap(type.values.find((v) => v.toLowerCase() === text.toLowerCase()));
    case 'hostPort':
      return wrap(parseHostPort(text));
    case 'site':
      return wrap(parseSite(text));
    case 'list':
      return wrap(parseList(text));
    default:
      return unreachable(type);
  }
}

/** What `type` allows, as the end of "… is not allowed; use …". */
export function describeAllowed(type: ValueType): string {
  switch (type.kind) {
    case 'string':
      return 'a non-empty value';
    case 'path':
      return 'a folder path (relative paths are taken from the config folder)';
    case 'integer': {
      const range = `an integer from ${type.min} to ${type.max}`;
      const sentinel = type.sentinel;
      return sentinel === undefined ? range : `${sentinel.value} (${sentinel.meaning}) or ${range}`;
    }
    case 'boolean':
      return 'true or false';
    case 'enum':
      return oneOf(type.values);
    case 'hostPort':
      return 'host:port with a port from 1 to 65535';
    case 'site':
      return 'host:port:alias (alias: a letter, then letters, digits or _)';
    case 'list':
      return 'a comma-separated list of distinct database names, e.g. dfs://db1,dfs://db2';
    default:
      return unreachable(type);
  }
}

/** `value` as the text parseConfigValue reads back to it. */
export function formatConfigValue(type: ValueType, value: ConfigValue): string {
  switch (type.kind) {
    case 'hostPort':
      return formatHostPort(value as HostPort);
    case 'site': {
      const site = value as Site;
      return `${formatHostPort(site)}:${site.alias}`;
    }
    case 'list':
      return (value as readonly string[]).join(',');
    case 'string':
    case 'path':
    case 'integer':
    case 'boolean':
    case 'enum':
      return String(value);
    default:
      return unreachable(type);
  }
}

/** True when `value` has the runtime shape and range `type` requires. */
export function valueFitsType(type: ValueType, value: ConfigValue): boolean {
  switch (type.kind) {
    case 'string':
    case 'path':
      return typeof value === 'string' && value !== '';
    case 'integer':
      return typeof value === 'number' && parseInteger(type, String(value)) === value;
    case 'boolean':
      return typeof value === 'boolean';
    case 'enum':
      return typeof value === 'string' && type.values.includes(value);
    case 'hostPort':
    case 'site':
    case 'list':
      return typeof value === 'object' && roundTrips(type, value);
    default:
      return unreachable(type);
  }
}

/** "a, b or c" */
export function oneOf(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1] ?? ''}`;
}

/** Parses `host:port` (host: a name, an IPv4 address or a bracketed IPv6 address). */
export function parseHostPort(text: string): HostPort | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const host = text.slice(0, colon);
  const port = parsePort(text.slice(colon + 1));
  if (port === undefined || !(HOST_NAME.test(host) || IPV6.test(host))) return undefined;
  return { host, port };
}

/** Parses `host:port:alias`. */
export function parseSite(text: string): Site | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const alias = text.slice(colon + 1);
  const address = parseHostPort(text.slice(0, colon));
  if (address === undefined || !isAlias(alias)) return undefined;
  return { ...address, alias };
}

/** True when `text` is a valid node alias: a letter, then up to 63 letters, digits or _. */
export function isAlias(text: string): boolean {
  return ALIAS.test(text);
}

/** A TCP port 1..65535 written in decimal, or undefined. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : undefined;
}

function formatHostPort(address: HostPort): string {
  return `${address.host}:${address.port}`;
}

function parseInteger(
  type: Extract<ValueType, { kind: 'integer' }>,
  text: string,
): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return undefined;
  if (type.sentinel !== undefined && n === type.sentinel.value) return n;
  return n >= type.min && n <= type.max ? n : undefined;
}

function parseBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function parseList(text: string): readonly string[] | undefined {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '' || /\s/.test(item))) return undefined;
  return new Set(items).size === items.length ? items : undefined;
}

function roundTrips(type: ValueType, value: ConfigValue): boolean {
  if (Array.isArray(value) !== (type.kind === 'list')) return false;
  const text = formatConfigValue(type, value);
  const back = parseConfigValue(type, text);
  return back !== undefined && JSON.stringify(back.value) === JSON.stringify(value);
}

function wrap(value: ConfigValue | undefined): ParsedValue {
  return value === undefined ? undefined : { value };
}
