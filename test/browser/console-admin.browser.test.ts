import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePortPair,
  type NamingProcess,
  startNamingProcess,
  waitForNaming,
} from '../compat/helpers/registry-process.js';
import { chromiumAvailable, launchChromium, openPage, screenshot, WIDTHS } from './browser-harness.js';

const PASSWORD = 'console-admin-password-1';

/**
 * The console's admin pages against a real registry process with auth on: namespaces created,
 * edited and deleted from the page; a user, a role and a permission given and taken away; a
 * config deleted from the list. Every change is checked through the HTTP API too, at a desktop
 * and a phone width, with a clean browser console.
 */
describe.skipIf(!chromiumAvailable())('web console admin pages (standalone, auth on)', () => {
  let registry: NamingProcess;
  let browser: Browser;
  let token = '';

  beforeAll(async () => {
    registry = startNamingProcess({
      port: await freePortPair(),
      properties: { 'nacos.core.auth.enabled': 'true', 'reg.auth.admin.password': PASSWORD },
    });
    [browser] = await Promise.all([launchChromium(), waitForNaming(registry)]);
    token = await login('nacos', PASSWORD);
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await registry?.stop();
  });

  async function login(username: string, password: string): Promise<string> {
    const res = await fetch(`${registry.base}/v1/auth/login`, {
      method: 'POST',
      body: new URLSearchParams({ username, password }),
    });
    expect(res.status, `login of ${username}`).toBe(200);
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  async function api<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const res = await fetch(
      `${registry.base}${path}?${new URLSearchParams({ ...query, accessToken: token })}`,
    );
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  }

  async function signIn(page: Page, path: string): Promise<void> {
    await page.goto(`${registry.base}${path}`);
    await page.getByLabel('User name').fill('nacos');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  for (const [name, viewport] of Object.entries(WIDTHS)) {
    it(`manages namespaces, users, roles, permissions and deletes a config at ${viewport.width} px`, async () => {
      const { context, page, problems } = await openPage(browser, viewport);
      try {
        await signIn(page, '/namespaces');
        await page.getByRole('heading', { name: 'Namespaces' }).waitFor();

        // Namespaces: create, edit, delete; the API agrees at each step.
        const nsId = `ns-${name}`;
        await page.getByLabel('ID (blank for a generated one)').fill(nsId);
        await page.getByLabel('Name', { exact: true }).fill(`Team ${name}`);
        await page.getByLabel('Description', { exact: true }).fill('first');
        await page.getByRole('button', { name: 'Create' }).click();
        const nsRow = page.locator(`tr[data-namespace="${nsId}"]`);
        await nsRow.waitFor();
        expect(await nsRow.textContent()).toContain(`Team ${name}`);
        await nsRow.getByRole('button', { name: `Edit Team ${name}` }).click();
        await page.getByLabel('Name', { exact: true }).fill(`Renamed ${name}`);
        await page.getByLabel('Description', { exact: true }).fill('second');
        await page.getByRole('button', { name: 'Save' }).click();
        await expect.poll(() => nsRow.locator('td').first().textContent()).toBe(`Renamed ${name}`);
        // The list carries names; the description is in the namespace's detail, as in Nacos.
        const detail = await api<{ namespace: string; namespaceShowName: string; namespaceDesc: string }>(
          '/v1/console/namespaces',
          { show: 'all', namespaceId: nsId },
        );
        expect(detail).toMatchObject({ namespaceShowName: `Renamed ${name}`, namespaceDesc: 'second' });
        await screenshot(page, `${name}-namespaces`);
        await nsRow.getByRole('button', { name: `Delete Renamed ${name}` }).click();
        await nsRow.getByRole('button', { name: 'Confirm delete' }).click();
        await nsRow.waitFor({ state: 'detached' });
        const after = await api<{ data: { namespace: string }[] }>('/v1/console/namespaces');
        expect(after.data.some((n) => n.namespace === nsId)).toBe(false);

        // Users, roles and permissions.
        const user = `dev-${name}`;
        const role = `ROLE_DEV_${name.toUpperCase()}`;
        const resource = `${nsId}:*:*`;
        await page.getByRole('link', { name: 'Users' }).click();
        await page.getByRole('heading', { name: 'Users, roles and permissions' }).waitFor();
        const userForm = page
          .locator('form')
          .filter({ has: page.getByRole('button', { name: 'Save user' }) });
        await userForm.getByLabel('User name').fill(user);
        await userForm.getByLabel('Password (new user, or a new password)').fill('dev-password-1');
        await userForm.getByRole('button', { name: 'Save user' }).click();
        await page.locator(`li[data-user="${user}"]`).waitFor();
        // The saved password is cleared, and the signed-in admin cannot delete itself here.
        expect(await userForm.getByLabel('Password (new user, or a new password)').inputValue()).toBe('');
        const self = page.locator('li[data-user="nacos"]');
        expect(await self.textContent()).toContain('(you)');
        expect(await self.getByRole('button').count()).toBe(0);

        const roleForm = page.locator('form').filter({ has: page.getByRole('button', { name: 'Add role' }) });
        await roleForm.getByLabel('Role').fill(role);
        await roleForm.getByLabel('User name').fill(user);
        await roleForm.getByRole('button', { name: 'Add role' }).click();
        const roleRow = page
          .getByRole('list', { name: 'Roles' })
          .getByRole('listitem')
          .filter({ hasText: role });
        await roleRow.waitFor();

        const permForm = page
          .locator('form')
          .filter({ has: page.getByRole('button', { name: 'Add permission' }) });
        await permForm.getByLabel('Role').fill(role);
        await permForm.getByLabel(/^Resource/).fill(resource);
        await permForm.getByLabel('Action').selectOption('rw');
        await permForm.getByRole('button', { name: 'Add permission' }).click();
        const permRow = page
          .getByRole('list', { name: 'Permissions' })
          .getByRole('listitem')
          .filter({ hasText: resource });
        await permRow.waitFor();
        await screenshot(page, `${name}-users`);

        const page1 = { pageNo: '1', pageSize: '100' };
        const users = await api<{ pageItems: { username: string }[] }>('/v1/auth/users', page1);
        expect(users.pageItems.map((u) => u.username)).toContain(user);
        const roles = await api<{ pageItems: { role: string; username: string }[] }>('/v1/auth/roles', page1);
        expect(roles.pageItems).toContainEqual(expect.objectContaining({ role, username: user }));
        const perms = await api<{ pageItems: { role: string; resource: string; action: string }[] }>(
          '/v1/auth/permissions',
          page1,
        );
        expect(perms.pageItems).toContainEqual(expect.objectContaining({ role, resource, action: 'rw' }));
        expect(await login(user, 'dev-password-1')).toBeTruthy();

        await permRow
          .getByRole('button', { name: `Delete permission rw on ${resource} for ${role}` })
          .click();
        await permRow.waitFor({ state: 'detached' });
        await roleRow.getByRole('button', { name: `Remove role ${role} from ${user}` }).click();
        await roleRow.waitFor({ state: 'detached' });
        await page.getByRole('button', { name: `Delete user ${user}` }).click();
        await page.locator(`li[data-user="${user}"]`).waitFor({ state: 'detached' });
        const usersAfter = await api<{ pageItems: { username: string }[] }>('/v1/auth/users', page1);
        expect(usersAfter.pageItems.map((u) => u.username)).not.toContain(user);
        const rolesAfter = await api<{ pageItems: { role: string }[] }>('/v1/auth/roles', page1);
        expect(rolesAfter.pageItems.some((r) => r.role === role)).toBe(false);
        const permsAfter = await api<{ pageItems: { role: string }[] }>('/v1/auth/permissions', page1);
        expect(permsAfter.pageItems.some((p) => p.role === role)).toBe(false);

        // A config published through the API, deleted from the list.
        const dataId = `delete-me-${name}.properties`;
        const published = await fetch(`${registry.base}/v1/cs/configs`, {
          method: 'POST',
          body: new URLSearchParams({ dataId, group: 'ADMIN', content: 'a=1', accessToken: token }),
        });
        expect(await published.text()).toBe('true');
        await page.getByRole('link', { name: 'Configurations' }).click();
        await page.getByLabel('Data ID').fill(dataId);
        const configRow = page.locator(`tr[data-config="${dataId}"]`);
        await configRow.waitFor();
        await configRow.getByRole('button', { name: `Delete ${dataId}` }).click();
        await configRow.getByRole('button', { name: 'Confirm delete' }).click();
        await configRow.waitFor({ state: 'detached' });
        const gone = await fetch(
          `${registry.base}/v1/cs/configs?${new URLSearchParams({ dataId, group: 'ADMIN', accessToken: token })}`,
        );
        expect(gone.status).toBe(404);

        expect(problems).toEqual([]);
      } catch (err) {
        await screenshot(page, `${name}-admin-failure`).catch(() => undefined);
        throw new Error(`${(err as Error).message}\nat ${page.url()}\nproblems: ${problems.join('\n')}`, {
          cause: err,
        });
      } finally {
        await context.close();
      }
    }, 45_000);
  }
});
