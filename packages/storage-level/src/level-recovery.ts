import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '@reg/storage';

/** The marker a damaged database keeps until an operator reviews it. */
export const DAMAGE_MARKER = 'REG-DAMAGED';

/**
 * Refuses a LevelDB folder whose last recovery dropped data.
 *
 * Why: LevelDB opens with `paranoid_checks` off (classic-level does not expose it), so when a
 * write-ahead log record fails its checksum it logs "(ignoring error) ...: dropping N bytes" in
 * its info `LOG` file, drops the rest of that log block, and opens as if nothing happened. That is
 * silent loss. This check reads the info log right after open; when it finds such a line it writes
 * {@link DAMAGE_MARKER} (LevelDB deletes the damaged file once recovered, so without the marker
 * the next open would look clean) and fails with `STORAGE_CORRUPTED` naming the damaged file.
 * Every later open fails the same way until the marker is removed.
 */
export async function checkRecovery(location: string): Promise<void> {
  const marker = join(location, DAMAGE_MARKER);
  const previous = await readFile(marker, 'utf8').catch(() => undefined);
  if (previous !== undefined) {
    throw new StorageError(
      'STORAGE_CORRUPTED',
      `${previous.trim()} (remove ${marker} after review to open anyway)`,
      {
        location: /\S+\.(?:log|ldb|sst)\b/.exec(previous)?.[0] ?? location,
      },
    );
  }
  const info = await readFile(join(location, 'LOG'), 'utf8').catch(() => '');
  const damaged = info
    .split('\n')
    .filter((line) => /ignoring error|dropping \d+ bytes|corruption/i.test(line));
  if (damaged.length === 0) return;
  const files = [...new Set(damaged.flatMap((l) => /\S+\.(?:log|ldb|sst)\b/.exec(l)?.[0] ?? []))];
  const named = files.length > 0 ? files.join(', ') : join(location, 'LOG');
  const text =
    `LevelDB dropped damaged records from ${named} while opening ${location}; the data in them is lost. ` +
    `LevelDB said: ${damaged.map((l) => l.replace(/^\S+ \S+ /, '')).join(' | ')}`;
  await writeFile(marker, `${text}\n`);
  throw new StorageError('STORAGE_CORRUPTED', `${text} (remove ${marker} after review to open anyway)`, {
    location: files[0] ?? location,
  });
}
