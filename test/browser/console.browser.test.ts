import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePortPair,
  type NamingProcess,
  startNamingProcess,
  waitForNaming,
} from '../compat/helpers/registry-process.js';
import { chromiumAvailable, launchChromium, openPage, screenshot, WIDTHS } from './browser-harness.js';

const PASSWORD = 'console-test-password-1';

/** The page's global, for `page.evaluate` callbacks (this workspace compiles without the DOM lib). */
declare const document: { activeElement: { textContent: string | null } | null };

/**
 * The console against a real registry process with auth on: sign in, create a config and find
 * it in the list, edit it and read the change in the history's diff, register an instance
 * through the API and watch it appear, at a desktop and a phone width, with a clean console.
 */
describe.skipIf(!chromiumAvailable())('web console (standalone, auth on)', () => {
  let registry: NamingProcess;
  let browser: Browser;

  beforeAll(async () => {
    registry = startNamingProcess({
      port: await freePortPair(),
      properties: { 'nacos.core.auth.enabled': 'true', 'reg.auth.admin.password': PASSWORD },
    });
    [browser] = await Promise.all([launchChromium(), waitForNaming(registry)]);
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await registry?.stop();
  });

  async function apiToken(): Promise<string> {
    const res = await fetch(`${registry.base}/v1/auth/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'nacos', password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${registry.base}/`);
    await expect.poll(() => page.title()).toContain('Sign in');
    await page.getByLabel('User name').fill('nacos');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Services' }).waitFor();
  }

  for (const [name, viewport] of Object.entries(WIDTHS)) {
    it(`manages configs and shows services at ${viewport.width} px`, async () => {
      const { context, page, problems } = await openPage(browser, viewport);
      try {
        // A wrong password is refused on the page (the 403 is the one expected failed request).
        await page.goto(`${registry.base}/configs`);
        await page.getByLabel('User name').fill('nacos');
        await page.getByLabel('Password').fill('wrong-password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('alert').filter({ hasText: 'Wrong user name or password.' }).waitFor();
        // Chromium logs every refused request; these two lines are that one 403, nothing else.
        expect(problems.splice(0).sort()).toEqual([
          expect.stringMatching(/^HTTP 403: POST .*\/v1\/auth\/login$/),
          'console error: Failed to load resource: the server responded with a status of 403 (Forbidden)',
        ]);

        await signIn(page);
        await screenshot(page, `${name}-services-empty`);

        // Create a yaml config through the editor and find it in the list.
        const dataId = `app-${name}.yaml`;
        await page.getByRole('link', { name: 'Configurations' }).click();
        await page.getByRole('link', { name: 'Create configuration' }).click();
        await page.getByLabel('Data ID').fill(dataId);
        await page.getByLabel('Group').fill('CONSOLE');
        await page.getByLabel('Type').selectOption('yaml');
        await page.locator('.cm-content').click();
        // insertText: exact text, without the editor's auto-indent after a newline
        await page.keyboard.type('server:');
        await page.keyboard.insertText('\n  port: 8080\n');
        expect(await page.locator('.code-editor').getAttribute('data-language')).toBe('yaml');
        // yaml highlighting marks keys as their own tokens
        expect(await page.locator('.cm-content span').count()).toBeGreaterThan(0);
        await page.getByRole('button', { name: 'Publish' }).click();
        await page.getByRole('status').filter({ hasText: 'Published.' }).waitFor();
        await screenshot(page, `${name}-config-created`);

        await page.getByRole('link', { name: 'Back to configurations' }).click();
        await page.getByLabel('Data ID').fill(`${name}`);
        const row = page.locator(`tr[data-config="${dataId}"]`);
        await row.waitFor();
        expect(await row.textContent()).toContain('yaml');

        // Edit: change the port, then read the change in the history's diff.
        await row.getByRole('link', { name: `Edit ${dataId}` }).click();
        await page.getByRole('heading', { name: `Edit ${dataId}` }).waitFor();
        await expect.poll(() => page.locator('.cm-content').textContent()).toContain('port: 8080');
        await page.locator('.cm-content').click();
        await page.keyboard.press('Control+End');
        await page.keyboard.insertText('feature: on\n');
        await page.getByRole('button', { name: 'Publish' }).click();
        await page.getByRole('status').filter({ hasText: 'Published.' }).waitFor();

        await page.getByRole('link', { name: 'History', exact: true }).click();
        await page.getByRole('heading', { name: `History of ${dataId}` }).waitFor();
        const rows = page.locator('tr[data-history]');
        await expect.poll(() => rows.count()).toBe(2);
        expect(await rows.nth(0).textContent()).toContain('updated');
        expect(await rows.nth(1).textContent()).toContain('created');
        await rows.nth(0).getByRole('button').click();
        const diff = page.locator('figure.diff');
        await diff.waitFor();
        expect(await diff.locator('tr.diff-added').allInnerTexts()).toEqual([
          expect.stringContaining('feature: on'),
        ]);
        expect(await diff.locator('tr.diff-removed').count()).toBe(0);
        expect(await diff.locator('figcaption').textContent()).toContain('1 added, 0 removed');
        await screenshot(page, `${name}-config-history-diff`);

        // An instance registered through the API appears on the services page by itself.
        const service = `console-${name}-svc`;
        await page.getByRole('link', { name: 'Services' }).click();
        await page.getByLabel('Service name').fill(service);
        const token = await apiToken();
        const registered = await fetch(`${registry.base}/v1/ns/instance`, {
          method: 'POST',
          body: new URLSearchParams({
            serviceName: service,
            ip: '10.1.2.3',
            port: '8080',
            metadata: '{"zone":"a"}',
            accessToken: token,
          }),
        });
        expect(await registered.text()).toBe('ok');
        const serviceRow = page.locator(`tr[data-service="${service}"]`);
        await serviceRow.waitFor({ timeout: 10_000 });
        expect(await serviceRow.locator('[data-field="instances"]').textContent()).toBe('1');
        expect(await serviceRow.locator('[data-field="healthy"]').textContent()).toBe('1');

        // Detail: disable the instance and change its weight from the page; the API sees both.
        await serviceRow.getByRole('link', { name: service }).click();
        const instance = page.locator('tr[data-instance="10.1.2.3:8080"]');
        await instance.waitFor();
        expect(await instance.textContent()).toContain('zone=a');
        await instance.getByRole('button', { name: 'Disable 10.1.2.3:8080' }).click();
        await expect.poll(() => instance.locator('[data-field="enabled"]').textContent()).toBe('disabled');
        await instance.getByRole('button', { name: 'Edit 10.1.2.3:8080' }).click();
        await instance.getByLabel('Weight').fill('3');
        await instance.getByRole('button', { name: 'Save' }).click();
        await expect.poll(() => instance.locator('td.num').textContent()).toBe('3');
        const stored = await fetch(
          `${registry.base}/v1/ns/instance?serviceName=${service}&ip=10.1.2.3&port=8080&accessToken=${token}`,
        );
        expect(await stored.json()).toMatchObject({ weight: 3, metadata: { zone: 'a' } });
        await screenshot(page, `${name}-service-detail`);

        // Keyboard: the skip link comes first, then the brand and the main navigation.
        await page.goto(`${registry.base}/services`);
        await page.getByRole('heading', { name: 'Services' }).waitFor();
        const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
        await page.keyboard.press('Tab');
        expect(await focused()).toBe('Skip to content');
        for (const expected of ['reg console', 'Services', 'Configurations']) {
          await page.keyboard.press('Tab');
          expect(await focused()).toBe(expected);
        }
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: 'Configurations' }).waitFor();

        expect(problems).toEqual([]);
      } catch (err) {
        await screenshot(page, `${name}-failure`).catch(() => undefined);
        throw new Error(`${(err as Error).message}\nat ${page.url()}\nproblems: ${problems.join('\n')}`, {
          cause: err,
        });
      } finally {
        await context.close();
      }
    }, 45_000);
  }
});
