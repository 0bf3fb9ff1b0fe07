import { readFileSync, writeFileSync } from 'node:fs';

/** One scripted step: a command line and its expected output. */
export interface DataDrivenCase {
  readonly line: number;
  readonly cmd: string;
  readonly args: string[];
  readonly kv: Record<string, string>;
  readonly input: string;
  readonly expected: string;
  /** Comment lines just before the case (kept when rewriting). */
  readonly comment: string;
}

/**
 * Parses an etcd-style datadriven file: each case is a command line, a `----` line, then the
 * expected output up to the next blank line. Lines starting with `#` are comments.
 */
export function parseDataDriven(text: string): DataDrivenCase[] {
  const lines = text.split('\n');
  const cases: DataDrivenCase[] = [];
  let i = 0;
  let comment: string[] = [];
  while (i < lines.length) {
    const raw = lines[i]!;
    if (raw.startsWith('#')) {
      comment.push(raw);
      i++;
      continue;
    }
    if (raw.trim() === '') {
      i++;
      continue;
    }
    const line = i + 1;
    const input = raw.trim();
    i++;
    if (lines[i] !== '----') throw new Error(`line ${line}: expected ---- after "${input}"`);
    i++;
    const out: string[] = [];
    while (i < lines.length && lines[i] !== '') out.push(lines[i++]!);
    const [cmd = '', ...rest] = input.split(/\s+/);
    const args: string[] = [];
    const kv: Record<string, string> = {};
    for (const r of rest) {
      const eq = r.indexOf('=');
      if (eq > 0) kv[r.slice(0, eq)] = r.slice(eq + 1);
      else args.push(r);
    }
    cases.push({ line, cmd, args, kv, input, expected: out.join('\n'), comment: comment.join('\n') });
    comment = [];
  }
  return cases;
}

/** Renders cases back to the file format with the given outputs (for UPDATE=1). */
export function renderDataDriven(cases: readonly DataDrivenCase[], outputs: readonly string[]): string {
  return cases
    .map(
      (c, i) =>
        `${c.comment === '' ? '' : `${c.comment}\n\n`}${c.input}\n----\n${outputs[i] === '' ? 'ok' : outputs[i]}\n`,
    )
    .join('\n');
}

export function readCases(path: string): { text: string; cases: DataDrivenCase[] } {
  const text = readFileSync(path, 'utf8');
  return { text, cases: parseDataDriven(text) };
}

export function rewrite(path: string, cases: readonly DataDrivenCase[], outputs: readonly string[]): void {
  writeFileSync(path, renderDataDriven(cases, outputs));
}
