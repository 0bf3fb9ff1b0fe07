import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { NodeId } from '@reg/raft';

/** Raised when the recorded initial voters cannot be read; the start fails rather than guess. */
export class InitialVotersError extends Error {
  override name = 'InitialVotersError';
}

/**
 * The voters a member's Raft group started with, recorded at its first start. Raft keeps later
 * configurations in its own log (conf change entries, snapshots); only the first one comes from
 * outside. Re-reading it from cluster.conf at every start would let an edited file silently
 * change a group whose log holds no change yet, so it is read from the file once and kept.
 */
export function initialVoters(path: string, fresh: readonly NodeId[]): readonly NodeId[] {
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new InitialVotersError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (text !== undefined) return parseVoters(text, path);
  const temp = `${path}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ voters: fresh })}\n`);
  const fd = openSync(temp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  return fresh;
}

function parseVoters(text: string, path: string): readonly NodeId[] {
  let voters: unknown;
  try {
    voters = (JSON.parse(text) as { voters?: unknown } | null)?.voters;
  } catch {
    voters = undefined;
  }
  if (
    !Array.isArray(voters) ||
    voters.length === 0 ||
    !voters.every((id) => Number.isSafeInteger(id) && (id as number) > 0)
  ) {
    throw new InitialVotersError(
      `${path} does not hold the group's initial voters ({"voters":[ids]}); restore it, or remove the data directory's raft folder and this file together to start empty`,
    );
  }
  return voters as NodeId[];
}
