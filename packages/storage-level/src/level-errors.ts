import { StorageError } from '@reg/storage';

/** LevelDB file names as they appear in its error messages. */
const FILE = /(?:\/[^\s:'"]*)?(?:\d{6}\.(?:ldb|sst|log)|MANIFEST-\d+|CURRENT|LOCK)/;

/** The message of an error and of its causes, joined (LevelDB nests the useful part). */
function messages(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    parts.push(e.message);
    e = e.cause;
  }
  return parts.join(': ');
}

function codes(err: unknown): string[] {
  const out: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') out.push(code);
    e = e.cause;
  }
  return out;
}

/**
 * Maps a LevelDB failure to a {@link StorageError}: damage becomes `STORAGE_CORRUPTED` naming the
 * file LevelDB named (or the database folder when it named none), a held lock and every other
 * failure `STORAGE_IO`. The original error is kept as `cause`.
 */
export function mapLevelError(err: unknown, location: string, action: string): StorageError {
  if (err instanceof StorageError) return err;
  const text = messages(err);
  const all = codes(err);
  if (all.includes('LEVEL_CORRUPTION') || /corruption/i.test(text)) {
    const file = FILE.exec(text)?.[0];
    const named = file === undefined ? location : file.startsWith('/') ? file : `${location}/${file}`;
    return new StorageError('STORAGE_CORRUPTED', `LevelDB data is damaged in ${named} (${action}): ${text}`, {
      cause: err,
      location: named,
    });
  }
  if (all.includes('LEVEL_LOCKED')) {
    return new StorageError('STORAGE_IO', `LevelDB at ${location} is locked by another process or instance`, {
      cause: err,
      location,
    });
  }
  if (all.includes('LEVEL_DATABASE_NOT_OPEN') && !/open/i.test(action)) {
    return new StorageError('STORAGE_CLOSED', `LevelDB at ${location} is not open`, { cause: err, location });
  }
  return new StorageError('STORAGE_IO', `LevelDB ${action} failed at ${location}: ${text}`, {
    cause: err,
    location,
  });
}
