import { useState } from 'preact/hooks';
import { login } from '../api/auth-api.js';
import { saveSession } from '../api/session.js';
import { ErrorNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';

/** Sign-in form; on success the page the user wanted is shown (the app re-renders on the session). */
export function LoginPage({ reason }: { readonly reason?: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      saveSession(await login(username.trim(), password));
    } catch (err) {
      setError(
        (err as Error).message === 'unknown user!' ? 'Wrong user name or password.' : (err as Error).message,
      );
      setBusy(false);
    }
  };

  return (
    <section class="login">
      <PageTitle title="Sign in" />
      {reason && <p>{reason}</p>}
      <form onSubmit={submit} class="form">
        <label>
          User name
          <input
            name="username"
            autocomplete="username"
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <ErrorNotice error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p class="hint">
        The first start prints the <code>nacos</code> admin's generated password once (the log line with{' '}
        <code>initialPassword</code>), unless <code>reg.auth.admin.password</code> set it.
      </p>
    </section>
  );
}
