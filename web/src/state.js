// What the pages share: who is signed in, a message for the next page, the episode last shown
// with its ETag (the version every event is sent against), the user's own account once read,
// and the count of unread notifications the header shows.
import { get } from './api.js';

export const state = {
  session: null,
  flash: null,
  episodes: new Map(), // id → {episode, etag}
  me: null, // GET /api/v1/me, read once per visit
  unread: null, // {count, at}
};

export function setFlash(type, title, text) {
  state.flash = { type, title, text };
}

export function takeFlash() {
  const flash = state.flash;
  state.flash = null;
  return flash;
}

// Roles whose work is cases: they have notifications, an inbox and email alerts. Admins and the
// data-protection officer see no case content and get no case notifications.
export const caseRoles = ['police', 'social_worker', 'manager', 'cse_champion'];

export function hasCaseWork(session = state.session) {
  return Boolean(session && caseRoles.includes(session.user.role));
}

export function homeFor(session) {
  if (!session) return '/sign-in';
  switch (session.user.role) {
    case 'police': return '/police';
    case 'manager': return '/team';
    case 'cse_champion': return '/oversight';
    case 'admin': return '/admin';
    case 'data_protection_officer': return '/data-protection';
    default: return '/my-work';
  }
}

export function forgetUser() {
  state.episodes.clear();
  state.me = null;
  state.unread = null;
  state.workers = null;
  unreadListeners.forEach((listener) => listener(null));
}

export async function loadMe({ fresh = false } = {}) {
  if (!state.me || fresh) state.me = (await get('/api/v1/me')).data;
  return state.me;
}

// The header's unread count. It is asked for when the application loads, when the user moves to
// another page (at most every 30 seconds) and after a notification is read; never on a timer, so
// an open tab does not keep a session alive past its idle limit.
const unreadListeners = new Set();

export function onUnread(listener) {
  unreadListeners.add(listener);
  return () => unreadListeners.delete(listener);
}

export async function refreshUnread({ force = false } = {}) {
  if (!hasCaseWork()) return;
  if (!force && state.unread && Date.now() - state.unread.at < 30000) return;
  state.unread = { count: state.unread?.count ?? null, at: Date.now() };
  try {
    const { data } = await get('/api/v1/notifications/unread-count');
    state.unread = { count: data.unread, at: Date.now() };
    unreadListeners.forEach((listener) => listener(data.unread));
  } catch {
    // The count is a convenience: the inbox itself says what is unread.
  }
}
