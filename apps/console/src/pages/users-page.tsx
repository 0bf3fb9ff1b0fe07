import { useState } from 'preact/hooks';
import {
  addPermission,
  addRole,
  changePassword,
  createUser,
  deletePermission,
  deleteRole,
  deleteUser,
  listPermissions,
  listRoles,
  listUsers,
} from '../api/auth-api.js';
import { currentSession } from '../api/session.js';
import { ErrorNotice, StatusNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { useLoad } from '../lib/use-load.js';

/** Users, roles and permissions: the registry lets only global admins read or change them. */
export function UsersPage() {
  const users = useLoad(listUsers, []);
  // Deleting the signed-in admin would lock the console out mid-session.
  const self = currentSession()?.username;
  const roles = useLoad(listRoles, []);
  const permissions = useLoad(listPermissions, []);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [form, setForm] = useState({
    username: '',
    password: '',
    role: '',
    roleUser: '',
    permRole: '',
    resource: '',
    action: 'r',
  });
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onInput: (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
      setForm({ ...form, [name]: e.currentTarget.value }),
  });

  const run = async (action: () => Promise<unknown>, done: string, reload: () => void) => {
    setError(undefined);
    setStatus(undefined);
    try {
      await action();
      setStatus(done);
      reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const submitting = (handler: () => void) => (event: Event) => {
    event.preventDefault();
    handler();
  };

  return (
    <section>
      <PageTitle title="Users, roles and permissions" />
      <StatusNotice>{status}</StatusNotice>
      <ErrorNotice error={error ?? users.error ?? roles.error ?? permissions.error} />

      <h2>Users</h2>
      <ul class="rows" aria-label="Users">
        {users.data?.pageItems.map((u) => (
          <li key={u.username} data-user={u.username}>
            <span>{u.username}</span>
            {u.username === self ? (
              <span>(you)</span>
            ) : (
              <button
                type="button"
                aria-label={`Delete user ${u.username}`}
                onClick={() => void run(() => deleteUser(u.username), `Deleted ${u.username}.`, users.reload)}
              >
                Delete
              </button>
            )}
          </li>
        ))}
      </ul>
      <form
        class="form form-row"
        onSubmit={submitting(
          () =>
            void run(
              async () => {
                const exists = users.data?.pageItems.some((u) => u.username === form.username.trim());
                if (exists) await changePassword(form.username.trim(), form.password);
                else await createUser(form.username.trim(), form.password);
                // A saved password does not stay on screen.
                setForm((f) => ({ ...f, password: '' }));
              },
              `Saved ${form.username.trim()}.`,
              users.reload,
            ),
        )}
      >
        <label>
          User name
          <input required autocomplete="off" {...field('username')} />
        </label>
        <label>
          Password (new user, or a new password)
          <input required type="password" autocomplete="new-password" minLength={8} {...field('password')} />
        </label>
        <button type="submit" class="primary">
          Save user
        </button>
      </form>

      <h2>Roles</h2>
      <ul class="rows" aria-label="Roles">
        {roles.data?.pageItems.map((r) => (
          <li key={`${r.role}/${r.username}`}>
            <span>
              {r.role} — {r.username}
            </span>
            {r.role !== 'ROLE_ADMIN' && (
              <button
                type="button"
                aria-label={`Remove role ${r.role} from ${r.username}`}
                onClick={() =>
                  void run(
                    () => deleteRole(r.role, r.username),
                    `Removed ${r.role} from ${r.username}.`,
                    roles.reload,
                  )
                }
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      <form
        class="form form-row"
        onSubmit={submitting(
          () =>
            void run(
              () => addRole(form.role.trim(), form.roleUser.trim()),
              `Gave ${form.role.trim()} to ${form.roleUser.trim()}.`,
              roles.reload,
            ),
        )}
      >
        <label>
          Role
          <input required {...field('role')} />
        </label>
        <label>
          User name
          <input required {...field('roleUser')} />
        </label>
        <button type="submit" class="primary">
          Add role
        </button>
      </form>

      <h2>Permissions</h2>
      <ul class="rows" aria-label="Permissions">
        {permissions.data?.pageItems.map((p) => (
          <li key={`${p.role}/${p.resource}/${p.action}`}>
            <span>
              {p.role}: <code>{p.resource}</code> ({p.action})
            </span>
            <button
              type="button"
              aria-label={`Delete permission ${p.action} on ${p.resource} for ${p.role}`}
              onClick={() => void run(() => deletePermission(p), 'Permission deleted.', permissions.reload)}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      <form
        class="form form-row"
        onSubmit={submitting(
          () =>
            void run(
              () =>
                addPermission({
                  role: form.permRole.trim(),
                  resource: form.resource.trim(),
                  action: form.action,
                }),
              'Permission added.',
              permissions.reload,
            ),
        )}
      >
        <label>
          Role
          <input required {...field('permRole')} />
        </label>
        <label>
          Resource (<code>namespace:group:config/dataId</code>, <code>*</code> for any)
          <input required {...field('resource')} />
        </label>
        <label>
          Action
          <select {...field('action')}>
            <option value="r">read</option>
            <option value="w">write</option>
            <option value="rw">read and write</option>
          </select>
        </label>
        <button type="submit" class="primary">
          Add permission
        </button>
      </form>
    </section>
  );
}
