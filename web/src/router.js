// A small history router: the application's pages are paths the server answers with index.html.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

export function currentPath() {
  return location.pathname + location.search;
}

export function navigate(to, { replace = false } = {}) {
  if (to === currentPath() && !replace) {
    listeners.forEach((listener) => listener());
    return;
  }
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  listeners.forEach((listener) => listener());
}

export function usePath() {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

// Links within the application change the page without reloading it.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest?.('a[href]');
  if (!link || link.origin !== location.origin || link.target || link.hasAttribute('download')) {
    return;
  }
  if (link.pathname.startsWith('/api/') || link.pathname.startsWith('/assets/')) return;
  if (link.hash && link.pathname === location.pathname && link.search === location.search) {
    // An in-page link (the skip link, the error summary): focus what it names.
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (target) {
      event.preventDefault();
      if (!target.hasAttribute('tabindex') && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) {
        target.setAttribute('tabindex', '-1');
      }
      target.focus();
      (target.closest('.govuk-form-group') ?? target).scrollIntoView();
    }
    return;
  }
  event.preventDefault();
  navigate(link.pathname + link.search);
});

// "/episodes/:id/:event" against "/episodes/abc/return" gives {id: 'abc', event: 'return'}.
export function match(pattern, path) {
  const [pathname] = path.split('?');
  const want = pattern.split('/');
  const have = pathname.split('/');
  if (want.length !== have.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (!have[i]) return null;
      params[want[i].slice(1)] = decodeURIComponent(have[i]);
    } else if (want[i] !== have[i]) {
      return null;
    }
  }
  return params;
}

export function searchParam(name) {
  return new URLSearchParams(location.search).get(name);
}
