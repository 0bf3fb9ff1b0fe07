import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The package folder. */
export const PKG = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Transpiles src/ and the given test files (no type check: `tsc -p tsconfig.json` does that) to
 * plain JS under `node_modules/.cache/<name>`, inside the package so `@reg/*` and `level` resolve.
 * Each crash test uses its own `name`: test files run in parallel and must not rewrite each
 * other's children. Returns the output folder.
 */
export async function buildChildren(name: string, testFiles: readonly string[]): Promise<string> {
  const out = join(PKG, 'node_modules', '.cache', name);
  const files = [
    ...(await readdir(join(PKG, 'src'))).filter((f) => f.endsWith('.ts')).map((f) => `src/${f}`),
    ...testFiles,
  ];
  for (const f of files) {
    const source = await readFile(join(PKG, f), 'utf8');
    const js = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ES2022,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    }).outputText;
    const dest = join(out, f.replace(/\.ts$/, '.js'));
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, js);
  }
  await writeFile(join(out, 'package.json'), '{"type":"module"}\n');
  return out;
}
