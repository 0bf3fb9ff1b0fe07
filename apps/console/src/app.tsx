import { useEffect, useState } from 'preact/hooks';
import { listNamespaces } from './api/namespace-api.js';
import { authEnabled, currentSession, onSessionChange, saveSession } from './api/session.js';
import { chooseNamespace, useNamespace } from './lib/namespace-choice.js';
import { followLink, href, type Route, useRoute } from './lib/router.js';
import { useLoad } from './lib/use-load.js';
import { ClusterPage } from './pages/cluster-page.js';
import { ConfigEditPage } from './pages/config-edit-page.js';
import { ConfigHistoryPage } from './pages/config-history-page.js';
import { ConfigsPage } from './pages/configs-page.js';
import { LoginPage } from './pages/login-page.js';
import { NamespacesPage } from './pages/namespaces-page.js';
import { ServiceDetailPage } from './pages/service-detail-page.js';
import { ServicesPage } from './pages/services-page.js';
import { UsersPage } from './pages/users-page.js';

const NAV = [
  { path: '/services', label: 'Services' },
  { path: '/configs', label: 'Configurations' },
  { path: '/namespaces', label: 'Namespaces' },
  { path: '/cluster', label: 'Cluster' },
] as const;

function useSession() {
  const [session, setSession] = useState(currentSession);
  useEffect(() => onSessionChange(() => setSession(currentSession())), []);
  return session;
}

export function App() {
  const route = useRoute();
  const session = useSession();
  // User management needs an admin even when the server checks nothing else.
  const needsLogin = !session && (authEnabled() || route.path === '/users' || route.path === '/login');
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: delegates link clicks to the router; the links themselves are the controls
    // biome-ignore lint/a11y/useKeyWithClickEvents: Enter on a link fires a click, which this handles
    <div class="shell" onClick={(e) => followLink(e)}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Header route={route} signedIn={session?.username} admin={session?.globalAdmin === true} />
      <main id="main" tabIndex={-1}>
        {needsLogin ? (
          <LoginPage reason={route.path === '/users' ? 'Only admins manage users.' : undefined} />
        ) : (
          <Page route={route} />
        )}
      </main>
    </div>
  );
}

function Header({ route, signedIn, admin }: { route: Route; signedIn?: string; admin: boolean }) {
  const nav = admin ? [...NAV, { path: '/users', label: 'Users' }] : NAV;
  return (
    <header class="top">
      <a class="brand" href={href('/services')}>
        reg console
      </a>
      <nav aria-label="Main">
        <ul>
          {nav.map((item) => (
            <li key={item.path}>
              <a href={href(item.path)} aria-current={route.path.startsWith(item.path) ? 'page' : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="session">
        {(signedIn || !authEnabled()) && <NamespacePicker />}
        {signedIn ? (
          <>
            <span class="user">{signedIn}</span>
            <button type="button" onClick={() => saveSession(undefined)}>
              Sign out
            </button>
          </>
        ) : (
          !authEnabled() && <a href={href('/login')}>Sign in</a>
        )}
      </div>
    </header>
  );
}

function NamespacePicker() {
  const chosen = useNamespace();
  const namespaces = useLoad(listNamespaces, []);
  return (
    <label class="namespace-picker">
      Namespace
      <select onChange={(e) => chooseNamespace(e.currentTarget.value)}>
        {(namespaces.data ?? [{ namespace: '', namespaceShowName: 'public' }]).map((ns) => (
          // `selected` per option: a select's value set before its options arrive is lost.
          <option key={ns.namespace} value={ns.namespace} selected={ns.namespace === chosen}>
            {ns.namespaceShowName}
          </option>
        ))}
      </select>
    </label>
  );
}

function Page({ route }: { route: Route }) {
  const q = (name: string) => route.query.get(name) ?? '';
  switch (route.path) {
    case '/':
    case '/login':
    case '/services':
      return <ServicesPage />;
    case '/services/detail':
      return <ServiceDetailPage group={q('group') || 'DEFAULT_GROUP'} name={q('name')} />;
    case '/configs':
      return <ConfigsPage />;
    case '/configs/edit':
      return (
        <ConfigEditPage
          dataId={route.query.get('dataId') ?? undefined}
          group={q('group') || 'DEFAULT_GROUP'}
        />
      );
    case '/configs/history':
      return <ConfigHistoryPage dataId={q('dataId')} group={q('group') || 'DEFAULT_GROUP'} />;
    case '/namespaces':
      return <NamespacesPage />;
    case '/cluster':
      return <ClusterPage />;
    case '/users':
      return <UsersPage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no console page at <code>{route.path}</code>.{' '}
            <a href={href('/services')}>Go to services</a>.
          </p>
        </section>
      );
  }
}
