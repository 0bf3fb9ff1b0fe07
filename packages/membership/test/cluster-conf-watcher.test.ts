import { mkdir, mkdtemp, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClusterConfChange, ClusterConfWatcher } from '../src/cluster-conf-watcher.js';
import type { MembershipError } from '../src/errors.js';
import { MemberTable } from '../src/member-table.js';

let dir: string;
let file: string;
const watchers: ClusterConfWatcher[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reg-membership-'));
  file = join(dir, 'cluster.conf');
});

afterEach(async () => {
  for (const w of watchers.splice(0)) await w.close();
  await rm(dir, { recursive: true, force: true });
});

interface Recorder {
  changes: ClusterConfChange[];
  invalid: MembershipError[];
  joined: string[];
  left: string[];
  /** Resolves at the next change or invalid event; rejects after 8 s so a missed event fails, not hangs. */
  next(): Promise<'change' | 'invalid'>;
}

function record(w: ClusterConfWatcher): Recorder {
  const r: Recorder = {
    changes: [],
    invalid: [],
    joined: [],
    left: [],
    next: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          offChange();
          offInvalid();
          reject(new Error('no watcher event within 8 s'));
        }, 8000);
        const done = (kind: 'change' | 'invalid') => {
          clearTimeout(timer);
          offChange();
          offInvalid();
          resolve(kind);
        };
        const offChange = w.on('change', () => done('change'));
        const offInvalid = w.on('invalid', () => done('invalid'));
      }),
  };
  w.on('change', (c) => r.changes.push(c));
  w.on('invalid', (e) => r.invalid.push(e));
  w.on('joined', (m) => r.joined.push(m.address));
  w.on('left', (m) => r.left.push(m.address));
  return r;
}

async function started(
  options: { usePolling?: boolean; requireSelf?: string; pollIntervalMs?: number } = {},
) {
  const w = new ClusterConfWatcher({ path: file, debounceMs: 30, pollIntervalMs: 150, ...options });
  watchers.push(w);
  const rec = record(w);
  await w.start();
  return { w, rec };
}

const addrs = (w: ClusterConfWatcher) => w.members().map((m) => m.address);

describe.each([
  { mode: 'fs.watch', usePolling: false },
  { mode: 'polling', usePolling: true },
])('ClusterConfWatcher ($mode)', ({ usePolling }) => {
  it('emits joined/left when the file is edited in place', async () => {
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8858\n');
    const { w, rec } = await started({ usePolling });
    expect(addrs(w)).toEqual(['127.0.0.1:8848', '127.0.0.1:8858']);
    const event = rec.next();
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8868 # new\n');
    expect(await event).toBe('change');
    expect(addrs(w)).toEqual(['127.0.0.1:8848', '127.0.0.1:8868']);
    expect(rec.joined).toEqual(['127.0.0.1:8868']);
    expect(rec.left).toEqual(['127.0.0.1:8858']);
    expect(rec.changes).toHaveLength(1);
    expect(rec.changes[0]?.added.map((m) => m.address)).toEqual(['127.0.0.1:8868']);
    expect(rec.changes[0]?.removed.map((m) => m.address)).toEqual(['127.0.0.1:8858']);
    // Re-reading the same file (and a cosmetic edit) changes nothing and emits nothing.
    await w.reload();
    await writeFile(file, '# same members\n127.0.0.1:8868, 127.0.0.1:8848\n');
    await w.reload();
    expect(rec.changes).toHaveLength(1);
    expect(rec.joined).toHaveLength(1);
  });

  it('sees a file replaced atomically by rename', async () => {
    await writeFile(file, '127.0.0.1:8848\n');
    const { w, rec } = await started({ usePolling });
    const event = rec.next();
    const tmp = join(dir, '.cluster.conf.swp');
    await writeFile(tmp, '127.0.0.1:8848\n127.0.0.1:8858\n');
    await rename(tmp, file);
    expect(await event).toBe('change');
    expect(addrs(w)).toEqual(['127.0.0.1:8848', '127.0.0.1:8858']);
    // And again: the watch survives the inode change.
    const second = rec.next();
    await writeFile(tmp, '127.0.0.1:8848\n127.0.0.1:8858\n127.0.0.1:8868\n');
    await rename(tmp, file);
    expect(await second).toBe('change');
    expect(rec.joined).toEqual(['127.0.0.1:8858', '127.0.0.1:8868']);
  });

  it('keeps the last good list when the edit is invalid, then applies the fix', async () => {
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8858\n');
    const { w, rec } = await started({ usePolling });
    const event = rec.next();
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:99999\nnot a host\n');
    expect(await event).toBe('invalid');
    expect(rec.invalid[0]?.code).toBe('MEMBERSHIP_BAD_LINE');
    expect(rec.invalid[0]?.issues.map((i) => [i.fileName, i.line])).toEqual([
      [file, 2],
      [file, 3],
    ]);
    expect(addrs(w)).toEqual(['127.0.0.1:8848', '127.0.0.1:8858']);
    // The same bad content is reported once, not at every poll.
    await w.reload();
    expect(rec.invalid).toHaveLength(1);
    const fixed = rec.next();
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8878\n');
    expect(await fixed).toBe('change');
    expect(addrs(w)).toEqual(['127.0.0.1:8848', '127.0.0.1:8878']);
    expect(rec.changes).toHaveLength(1);
  });

  it('treats deletion as invalid (the list stays) and applies the file when recreated', async () => {
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8858\n');
    const { w, rec } = await started({ usePolling });
    const event = rec.next();
    await unlink(file);
    expect(await event).toBe('invalid');
    expect(rec.invalid[0]?.code).toBe('MEMBERSHIP_FILE_UNREADABLE');
    expect(rec.invalid[0]?.message).toMatch(/deleted; keeping the last good member list/);
    expect(addrs(w)).toEqual(['127.0.0.1:8848', '127.0.0.1:8858']);
    expect(rec.left).toEqual([]);
    const back = rec.next();
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8858\n127.0.0.1:8868\n');
    expect(await back).toBe('change');
    expect(rec.joined).toEqual(['127.0.0.1:8868']);
  });
});

describe('ClusterConfWatcher startup and options', () => {
  it('fails start on a missing or bad file, naming the file', async () => {
    const missing = new ClusterConfWatcher({ path: file });
    await expect(missing.start()).rejects.toMatchObject({ code: 'MEMBERSHIP_FILE_UNREADABLE' });
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:1\n');
    const bad = new ClusterConfWatcher({ path: file });
    await expect(bad.start()).rejects.toMatchObject({
      code: 'MEMBERSHIP_BAD_LINE',
      issues: [expect.objectContaining({ fileName: file, line: 2 })],
    });
    await expect(bad.reload()).rejects.toMatchObject({ code: 'MEMBERSHIP_CLOSED' });
    // Fixed file: the same watcher may start now.
    watchers.push(bad);
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8858\n');
    expect((await bad.start()).map((m) => m.address)).toEqual(['127.0.0.1:8848', '127.0.0.1:8858']);
  });

  it('does not start watching when closed while starting', async () => {
    await writeFile(file, '127.0.0.1:8848\n');
    const w = new ClusterConfWatcher({ path: file });
    const starting = w.start();
    await w.close();
    await expect(starting).rejects.toMatchObject({ code: 'MEMBERSHIP_CLOSED' });
    await expect(w.reload()).rejects.toMatchObject({ code: 'MEMBERSHIP_CLOSED' });
  });

  it('rejects an edit that removes self when requireSelf is set', async () => {
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8858\n');
    const { w, rec } = await started({ requireSelf: '127.0.0.1:8848', usePolling: true });
    await writeFile(file, '127.0.0.1:8858\n');
    await w.reload();
    expect(rec.invalid.map((e) => e.code)).toEqual(['MEMBERSHIP_SELF_NOT_MEMBER']);
    expect(addrs(w)).toEqual(['127.0.0.1:8848', '127.0.0.1:8858']);
  });

  it('reports an unreadable file once, keeps the list, and recovers', async () => {
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8858\n');
    // Polling only, with no poll due during the test: every read is an explicit reload().
    const { w, rec } = await started({ usePolling: true, pollIntervalMs: 600_000 });
    await unlink(file);
    await mkdir(file); // reading a directory fails with EISDIR, even as root (unlike chmod 000)
    await w.reload();
    await w.reload();
    expect(rec.invalid.map((e) => e.code)).toEqual(['MEMBERSHIP_FILE_UNREADABLE']);
    expect(rec.invalid[0]?.cause).toMatchObject({ code: 'EISDIR' });
    expect(addrs(w)).toEqual(['127.0.0.1:8848', '127.0.0.1:8858']);
    await rmdir(file);
    await writeFile(file, '127.0.0.1:8848\n');
    await w.reload();
    expect(rec.left).toEqual(['127.0.0.1:8858']);
  });

  it('drives a MemberTable: an edit adds and removes members, keeping known states', async () => {
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8858\n');
    const { w } = await started({ usePolling: true, pollIntervalMs: 600_000 });
    const members = w.members();
    const table = new MemberTable({ self: members[0]!, members });
    w.setRequiredSelf(table.self.address);
    w.on('change', ({ members }) => table.update(members));
    const events: string[] = [];
    table.on('joined', (m) => events.push(`joined ${m.address}`));
    table.on('left', (m) => events.push(`left ${m.address}`));
    table.recordReport('127.0.0.1:8858', { ok: true });
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8858\n127.0.0.1:8868\n');
    await w.reload();
    await writeFile(file, '127.0.0.1:8848\n127.0.0.1:8868\n');
    await w.reload();
    // An edit dropping self is rejected by the watcher, so watcher and table never disagree.
    await writeFile(file, '127.0.0.1:8868\n');
    await w.reload();
    expect(addrs(w)).toEqual(['127.0.0.1:8848', '127.0.0.1:8868']);
    expect(events).toEqual(['joined 127.0.0.1:8868', 'left 127.0.0.1:8858']);
    expect(table.list().map((m) => `${m.address} ${m.state}`)).toEqual([
      '127.0.0.1:8848 UP',
      '127.0.0.1:8868 STARTING',
    ]);
  });

  it('validates options and refuses a second start', async () => {
    expect(() => new ClusterConfWatcher({ path: '' })).toThrow(
      expect.objectContaining({ code: 'MEMBERSHIP_INVALID_OPTION' }),
    );
    expect(() => new ClusterConfWatcher({ path: file, debounceMs: -1 })).toThrow(/debounceMs/);
    expect(() => new ClusterConfWatcher({ path: file, pollIntervalMs: 0 })).toThrow(/pollIntervalMs/);
    await writeFile(file, '127.0.0.1:8848\n');
    const { w } = await started();
    await expect(w.start()).rejects.toMatchObject({ code: 'MEMBERSHIP_CLOSED' });
    await w.close();
    await w.close();
  });
});
