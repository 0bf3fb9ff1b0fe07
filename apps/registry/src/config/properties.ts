/**
 * A reader for Java `.properties` files, the format of Nacos' `conf/application.properties`.
 *
 * It follows `java.util.Properties#load`: `#` and `!` comments, `=`, `:` or whitespace as the
 * separator, backslash line continuations, and the `\t \n \r \f \uXXXX` escapes. Each entry
 * keeps the line it started on so that configuration errors can point at it.
 */

/** One key/value pair with the 1-based line where its logical line began. */
export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** Thrown for text that `java.util.Properties` would also refuse (a malformed `\u` escape). */
export class PropertiesSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'PropertiesSyntaxError';
  }
}

/** Parses properties text. Later duplicates win, as in Java. */
export function parseProperties(text: string): Map<string, PropertyEntry> {
  const entries = new Map<string, PropertyEntry>();
  for (const { text: logical, line } of logicalLines(text)) {
    const { key, value } = splitEntry(logical, line);
    entries.set(key, { key, value, line });
  }
  return entries;
}

interface LogicalLine {
  readonly text: string;
  readonly line: number;
}

function* logicalLines(text: string): Generator<LogicalLine> {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let i = 0;
  while (i < physical.length) {
    const start = i;
    let current = (physical[i] ?? '').replace(/^[ \t\f]+/, '');
    i++;
    if (current === '' || current.startsWith('#') || current.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the entry on the next line, whose
    // leading whitespace is dropped.
    while (endsWithOddBackslashes(current) && i < physical.length) {
      current = current.slice(0, -1) + (physical[i] ?? '').replace(/^[ \t\f]+/, '');
      i++;
    }
    if (endsWithOddBackslashes(current)) current = current.slice(0, -1);
    yield { text: current, line: start + 1 };
  }
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let j = s.length - 1; j >= 0 && s[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

function splitEntry(logical: string, line: number): { key: string; value: string } {
  let keyEnd = logical.length;
  for (let j = 0; j < logical.length; j++) {
    const c = logical[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') {
      keyEnd = j;
      break;
    }
  }
  let valueStart = keyEnd;
  while (valueStart < logical.length && /[ \t\f]/.test(logical[valueStart] ?? '')) valueStart++;
  if (logical[valueStart] === '=' || logical[valueStart] === ':') valueStart++;
  while (valueStart < logical.length && /[ \t\f]/.test(logical[valueStart] ?? '')) valueStart++;
  return {
    key: unescapeText(logical.slice(0, keyEnd), line),
    value: unescapeText(logical.slice(valueStart), line),
  };
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescapeText(s: string, line: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let j = 0; j < s.length; j++) {
    const c = s[j] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[++j];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = s.slice(j + 1, j + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new PropertiesSyntaxError(`malformed \\uxxxx escape "\\u${hex}"`, line);
      }
      out += String.fromCharCode(Number.parseInt(hex, 16));
      j += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}
