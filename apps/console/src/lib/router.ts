import { useEffect, useState } from 'preact/hooks';

/** A console location: the path below the context path (`/configs`) and its query. */
export interface Route {
  readonly path: string;
  readonly query: URLSearchParams;
}

const listeners = new Set<() => void>();

/** The context path the page was served under, from `<base href>` (`/nacos/`). */
export function basePath(): string {
  return new URL(document.baseURI).pathname;
}

export function currentRoute(): Route {
  const base = basePath();
  const { pathname, search } = window.location;
  const below = pathname.startsWith(base) ? pathname.slice(base.length) : '';
  return { path: `/${below}`.replace(/\/+$/, '') || '/', query: new URLSearchParams(search) };
}

/** `href` for a console path with its query, for links (`/configs` -> `/nacos/configs`). */
export function href(path: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `${basePath()}${path.replace(/^\//, '')}${search ? `?${search}` : ''}`;
}

export function navigate(path: string, query: Record<string, string> = {}, replace = false): void {
  const target = href(path, query);
  if (replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    listeners.add(update);
    return () => listeners.delete(update);
  }, []);
  return route;
}

/** Plain left clicks on console links change the page without a reload. */
export function followLink(event: MouseEvent): void {
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || anchor.target) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith(basePath())) return;
  // In-page anchors (the skip link) keep the browser's own behaviour: scroll and focus.
  if (url.hash && url.pathname === window.location.pathname) return;
  event.preventDefault();
  window.history.pushState(null, '', url.pathname + url.search);
  for (const listener of listeners) listener();
}
