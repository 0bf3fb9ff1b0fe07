/** The signed-in user, kept in localStorage so a reload or a new tab stays signed in. */
export interface Session {
  readonly accessToken: string;
  readonly username: string;
  readonly globalAdmin: boolean;
  /** Epoch ms after which the token is refused anyway. */
  readonly expiresAt: number;
}

const KEY = 'reg.console.session';
const listeners = new Set<() => void>();

export function currentSession(now = Date.now()): Session | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw === null) return undefined;
    const session = JSON.parse(raw) as Session;
    if (typeof session.accessToken !== 'string' || !(session.expiresAt > now)) return undefined;
    return session;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session === undefined) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, JSON.stringify(session));
  for (const listener of listeners) listener();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether the server checks credentials (`nacos.core.auth.enabled`), as index.html tells. */
export function authEnabled(): boolean {
  return document.querySelector('meta[name="reg-auth"]')?.getAttribute('content') !== 'off';
}
