// A notification is read when the page it leads to is opened: its link carries
// ?notification=ID, and the page marks it read, then the header's count is asked again.
import { post } from './api.js';
import { refreshUnread } from './state.js';

export async function markNotificationRead(id) {
  if (!id) return;
  // The address the user keeps (a bookmark, the back button) is the page's own.
  const url = new URL(location.href);
  url.searchParams.delete('notification');
  history.replaceState(history.state, '', url.pathname + url.search);
  try {
    await post(`/api/v1/notifications/${encodeURIComponent(id)}/read`);
  } catch {
    // Not theirs or gone: nothing to mark.
  }
  await refreshUnread({ force: true });
}
