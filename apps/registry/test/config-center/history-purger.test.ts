import { MemoryStorage } from '@reg/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfigCommand } from '../../src/config-center/config-commands.js';
import { executeConfigCommand } from '../../src/config-center/config-executor.js';
import { HistoryPurger } from '../../src/config-center/history-purger.js';
import { FakeTimers } from './fake-timers.js';

const DAY = 86_400_000;
const stores: MemoryStorage[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** A store with `n` history rows of one config, one per `stepMs` starting at `from`. */
async function storeWithHistory(n: number, from: number, stepMs: number) {
  const storage = new MemoryStorage();
  await storage.open();
  stores.push(storage);
  for (let i = 0; i < n; i++) {
    await storage.configs.publish({
      dataId: 'a',
      group: 'G',
      tenant: '',
      content: `v${i}`,
      time: from + i * stepMs,
    });
  }
  const executed: unknown[] = [];
  // The purger's commands run straight against the store here; the consensus path is tested elsewhere.
  const center = {
    execute: async (command: unknown) => {
      executed.push(command);
      return (await executeConfigCommand(storage, validateConfigCommand(command), 0, { dedupe: false }))
        .result;
    },
  } as never;
  return { storage, center, executed };
}

async function historyCount(storage: MemoryStorage): Promise<number> {
  return (await storage.history.list({ dataId: 'a', group: 'G', tenant: '' }, { pageNo: 1, pageSize: 1 }))
    .totalCount;
}

describe('HistoryPurger', () => {
  it('removes every row older than the retention (in storage batches) and keeps the rest', async () => {
    const now = 100 * DAY;
    // 2,500 rows 40 days old, then 10 rows from the last 10 days.
    const { storage, center, executed } = await storeWithHistory(2_500, now - 40 * DAY, 1);
    for (let i = 0; i < 10; i++) {
      await storage.configs.publish({
        dataId: 'a',
        group: 'G',
        tenant: '',
        content: `new${i}`,
        time: now - i * DAY,
      });
    }
    const purger = new HistoryPurger({
      center,
      isLeader: () => true,
      retentionMs: 30 * DAY,
      intervalMs: 1000,
      now: () => now,
    });
    expect(await purger.sweep()).toBe(2_500);
    expect(executed).toEqual([{ op: 'history-purge', before: now - 30 * DAY }]);
    expect(await historyCount(storage)).toBe(10);
    expect(await storage.configs.get({ dataId: 'a', group: 'G', tenant: '' })).toMatchObject({
      content: 'new9',
    });
  });

  it('does nothing on a member that is not the leader', async () => {
    const { storage, center, executed } = await storeWithHistory(5, 0, 1);
    const purger = new HistoryPurger({
      center,
      isLeader: () => false,
      retentionMs: DAY,
      intervalMs: 1000,
      now: () => 10 * DAY,
    });
    expect(await purger.sweep()).toBe(0);
    expect(executed).toEqual([]);
    expect(await historyCount(storage)).toBe(5);
  });

  it('sweeps every interval once started, and never after stop', async () => {
    const timers = new FakeTimers();
    const { storage, center, executed } = await storeWithHistory(3, 0, 1);
    const purger = new HistoryPurger({
      center,
      isLeader: () => true,
      retentionMs: DAY,
      intervalMs: 600_000,
      now: () => 10 * DAY,
      timers,
    });
    purger.start();
    timers.advance(599_999);
    expect(executed).toHaveLength(0);
    timers.advance(1);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(executed).toHaveLength(1);
    expect(await historyCount(storage)).toBe(0);
    timers.advance(600_000);
    await new Promise((r) => setImmediate(r));
    expect(executed).toHaveLength(2);
    await purger.stop();
    timers.advance(10 * 600_000);
    expect(executed).toHaveLength(2);
    expect(timers.pending).toBe(0);
  });

  it('refuses malformed purge commands', () => {
    for (const command of [
      { op: 'history-purge', before: -1 },
      { op: 'history-purge', before: 1.5 },
      { op: 'history-purge', before: '1' },
      { op: 'history-purge' },
    ]) {
      expect(() => validateConfigCommand(command)).toThrow(
        expect.objectContaining({ code: 'REG_CONFIG_INVALID' }),
      );
    }
  });
});
