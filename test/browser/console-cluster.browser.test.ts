import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePortPair,
  type NamingProcess,
  startNamingProcess,
  waitForNaming,
} from '../compat/helpers/registry-process.js';
import { chromiumAvailable, launchChromium, openPage, screenshot, WIDTHS } from './browser-harness.js';

/**
 * The cluster page against three real processes: it shows every member UP with exactly one
 * Raft leader, and a member killed with SIGKILL turns DOWN on the page by itself (it polls).
 */
describe.skipIf(!chromiumAvailable())('web console cluster page (3 processes)', () => {
  const members: NamingProcess[] = [];
  let browser: Browser;

  beforeAll(async () => {
    const ports: number[] = [];
    while (ports.length < 3) {
      const port = await freePortPair();
      if (!ports.includes(port)) ports.push(port);
    }
    const list = ports.map((p) => `127.0.0.1:${p}`);
    for (const port of ports) {
      members.push(
        startNamingProcess({
          port,
          members: list,
          properties: { 'reg.cluster.secret': 'console-cluster-secret-0123456789' },
        }),
      );
    }
    [browser] = await Promise.all([launchChromium(), ...members.map((m) => waitForNaming(m, 30_000))]);
  }, 45_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(members.map((m) => m.stop()));
  });

  it('shows one leader and a killed member turning DOWN', async () => {
    const { context, page, problems } = await openPage(browser, WIDTHS.desktop);
    try {
      await page.goto(`${members[0]!.base}/cluster`);
      await page.getByRole('heading', { name: 'Cluster nodes' }).waitFor();
      const rows = page.locator('tr[data-member]');
      const states = () => rows.locator('[data-field="state"]').allTextContents();
      const roles = () => rows.locator('[data-field="role"]').allTextContents();
      await expect.poll(states, { timeout: 15_000 }).toEqual(['UP', 'UP', 'UP']);
      await expect
        .poll(async () => (await roles()).filter((r) => r === 'LEADER').length, { timeout: 15_000 })
        .toBe(1);
      expect((await roles()).filter((r) => r === 'FOLLOWER')).toHaveLength(2);
      const leader = await page.locator('[data-field="leader"]').textContent();
      expect(members.map((m) => `127.0.0.1:${m.port}`)).toContain(leader);
      await screenshot(page, 'cluster-three-up');

      // Kill a member that is not the one serving the page; the page notices without a reload.
      const victim = members[2]!;
      victim.child.kill('SIGKILL');
      const victimState = page.locator(`tr[data-member="127.0.0.1:${victim.port}"] [data-field="state"]`);
      await expect.poll(() => victimState.textContent(), { timeout: 25_000, interval: 500 }).toBe('DOWN');
      // The two left still agree on one leader.
      await expect.poll(() => page.locator('[data-field="leader"]').count(), { timeout: 10_000 }).toBe(1);
      await screenshot(page, 'cluster-member-down');
      expect(problems).toEqual([]);
    } catch (err) {
      await screenshot(page, 'cluster-failure').catch(() => undefined);
      throw new Error(`${(err as Error).message}\nproblems: ${problems.join('\n')}`, { cause: err });
    } finally {
      await context.close();
    }
  }, 50_000);
});
