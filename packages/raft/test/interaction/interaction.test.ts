// Interaction scripts (etcd-io/raft's datadriven tests): each file in testdata/ is a sequence of
// commands and the exact output they must produce (Ready contents, messages, core log lines).
// Rewrite expected output with UPDATE=1, and commit only diffs you understand.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCases, rewrite } from './datadriven.js';
import { InteractionEnv } from './env.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

describe('interaction scripts', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt'))) {
    it(file, () => {
      const path = join(dir, file);
      const { cases } = readCases(path);
      const env = new InteractionEnv();
      const outputs = cases.map((c) => env.handle(c));
      if (process.env.UPDATE === '1') {
        rewrite(path, cases, outputs);
        return;
      }
      cases.forEach((c, i) => {
        expect(outputs[i] === '' ? 'ok' : outputs[i], `${file}:${c.line}: ${c.input}`).toBe(c.expected);
      });
    });
  }
});
