/** Path routing for the handful of pages: the server answers every page path with index.html. */

export type Page =
  | { readonly name: 'landing' }
  | { readonly name: 'join'; readonly code: string }
  /** A session's class link (one for everyone) and its printable seat slips (experimenter). */
  | { readonly name: 'class'; readonly code: string }
  | { readonly name: 'slips'; readonly session: string }
  | { readonly name: 'arenas' }
  | { readonly name: 'watch'; readonly session: string; readonly big: boolean }
  | { readonly name: 'console' }
  /** Every mechanism's settings with their meaning. */
  | { readonly name: 'settings' }
  /** A record at an event: `/replay/<match id>?at=<seq>`; the id may hold slashes, encoded or not. */
  | { readonly name: 'replay'; readonly match: string; readonly at: number | null }
  /** A finished session's results for the class, and the experimenter's payment list. */
  | { readonly name: 'debrief'; readonly session: string }
  | { readonly name: 'payments'; readonly session: string }
  | { readonly name: 'missing'; readonly path: string };

export function pageOf(path: string, search = ''): Page {
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, arg] = parts;
  if (parts.length === 0) return { name: 'landing' };
  if (head === 'join' && arg) return { name: 'join', code: arg };
  if (head === 'class' && arg && parts.length === 2) return { name: 'class', code: arg };
  if (head === 'slips' && arg && parts.length === 2) return { name: 'slips', session: arg };
  if (head === 'arenas' && parts.length === 1) return { name: 'arenas' };
  if (head === 'watch' && arg) return { name: 'watch', session: arg, big: params.has('big') };
  if (head === 'console' && parts.length === 1) return { name: 'console' };
  if (head === 'settings' && parts.length === 1) return { name: 'settings' };
  if (head === 'debrief' && arg && parts.length === 2) return { name: 'debrief', session: arg };
  if (head === 'payments' && arg && parts.length === 2) return { name: 'payments', session: arg };
  if (head === 'replay' && arg) {
    const at = params.get('at');
    return { name: 'replay', match: parts.slice(1).join('/'), at: at !== null && /^\d{1,9}$/.test(at) ? Number(at) : null };
  }
  return { name: 'missing', path };
}

class Router {
  page = $state.raw<Page>(pageOf(location.pathname, location.search));

  constructor() {
    addEventListener('popstate', () => (this.page = pageOf(location.pathname, location.search)));
  }

  go(href: string, replace = false): void {
    const url = new URL(href, location.origin);
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.page = pageOf(url.pathname, url.search);
    scrollTo(0, 0);
  }

  /** Changes the address without leaving the page: for a page whose place is in its URL (the replay cursor's `?at=`). */
  keep(href: string): void {
    const url = new URL(href, location.origin);
    if (url.href !== location.href) history.replaceState(null, '', url);
  }
}

/** The replay page's address of a record at an event (the id's slashes kept readable). */
export const replayHref = (match: string, at?: number): string => `/replay/${match.split('/').map(encodeURIComponent).join('/')}${at === undefined ? '' : `?at=${at}`}`;

export const router = new Router();

/** For <a onclick>: in-app navigation without a page load (modified clicks keep their default). */
export function navigate(event: MouseEvent): void {
  const anchor = event.currentTarget as HTMLAnchorElement;
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || anchor.target) return;
  event.preventDefault();
  router.go(anchor.href);
}
