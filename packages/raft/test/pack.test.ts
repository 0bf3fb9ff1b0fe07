// "Depend on @reg/raft in other projects", proven: build, `npm pack`, install the tarball into a
// fresh project in a temp folder (offline: the package has no dependencies), and run the README's
// quick-start example there.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let tmp: string | undefined;

afterAll(async () => {
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('the packed tarball installs into a fresh project and runs the README example', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'reg-raft-pack-'));
    await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: pkgDir, timeout: 120_000 });
    const { stdout: packOut } = await run('npm', ['pack', '--json', '--pack-destination', tmp], {
      cwd: pkgDir,
      timeout: 60_000,
    });
    const [{ filename, files }] = JSON.parse(packOut) as [{ filename: string; files: { path: string }[] }];
    const paths = files.map((f) => f.path);
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/testing/index.d.ts');
    expect(paths.some((p) => p.startsWith('src/') || p.startsWith('test/'))).toBe(false);

    const project = join(tmp, 'app');
    await run('mkdir', ['-p', project]);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    await run('npm', ['install', join(tmp, filename), '--offline', '--no-audit', '--no-fund'], {
      cwd: project,
      timeout: 120_000,
    });

    const readme = await readFile(join(pkgDir, 'README.md'), 'utf8');
    const quick = readme.slice(readme.indexOf('## Quick start'));
    const example = /```js\n([\s\S]*?)```/.exec(quick)?.[1];
    expect(example).toBeDefined();
    await writeFile(join(project, 'example.mjs'), example!);
    const { stdout } = await run('node', ['example.mjs'], { cwd: project, timeout: 60_000 });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('applied: hello');
    expect(lines[1]).toMatch(/^RAFT_NOT_LEADER leader: [123]$/);
    expect(lines[2]).toBe('replicas: hello hello hello');

    // The testing entry point resolves too.
    await writeFile(
      join(project, 'testing.mjs'),
      "import { Simulation } from '@reg/raft/testing';\nconst s = new Simulation({ seed: 1 });\ns.run(100);\nconsole.log(s.leader() ? 'leader' : 'none');\n",
    );
    const { stdout: t } = await run('node', ['testing.mjs'], { cwd: project, timeout: 60_000 });
    expect(t.trim()).toBe('leader');
  }, 300_000);
});
