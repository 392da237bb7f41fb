// The inbox: every notification addressed to the user, newest first. Each leads to its episode
// (or child), and is marked read when that page opens. One API request (and one per "older").
import { useEffect, useState } from 'preact/hooks';
import { get, post, query } from '../api.js';
import { Heading, Loading, Tag, html } from '../components.js';
import { refreshUnread } from '../state.js';
import { notificationHref, notificationTitle, when } from '../words.js';

// Which piece of work, told apart from the others of its kind by when it is due.
function dueText(n) {
  const due = n.body?.due_at ?? n.body?.review_due_at;
  return due ? ` · due ${when(due)}` : '';
}

function Item({ n, onRead }) {
  const href = notificationHref(n);
  const title = notificationTitle(n);
  async function read() {
    try {
      await post(`/api/v1/notifications/${encodeURIComponent(n.id)}/read`);
      onRead(n.id);
      refreshUnread({ force: true });
    } catch {
      // Already gone: the next visit shows the inbox as it is.
    }
  }
  return html`<li class=${`hw-work-list__item${n.read ? '' : ' hw-unread'}`} key=${n.id}>
    <h2 class="govuk-heading-s govuk-!-margin-bottom-1">
      ${!n.read && html`<${Tag} colour="govuk-tag--blue">New<//>${' '}`}
      ${href ? html`<a class="govuk-link" href=${href}>${title}</a>` : title}
    </h2>
    <p class="govuk-body-s govuk-!-margin-bottom-0">${when(n.created_at)}${dueText(n)}${n.read ? ' · read' : ''}</p>
    ${!href && !n.read && html`<button type="button" class="govuk-button govuk-button--secondary govuk-!-margin-top-2 govuk-!-margin-bottom-0"
      onClick=${read}>Mark as read<span class="govuk-visually-hidden">: ${title}</span></button>`}
  </li>`;
}

export function Notifications() {
  const [items, setItems] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);

  async function load(after) {
    setBusy(true);
    try {
      const { data } = await get(`/api/v1/notifications${query({ limit: 50, cursor: after })}`);
      setItems((before) => [...(after ? before ?? [] : []), ...data.items]);
      setCursor(data.next_cursor);
    } catch (error) {
      if (error.status !== 401) setFailure(error.message);
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    load(null);
    refreshUnread({ force: true });
  }, []);

  const onRead = (id) => setItems((list) => list.map((n) => (n.id === id ? { ...n, read: true } : n)));
  const unread = items?.filter((n) => !n.read).length ?? 0;
  return html`<${Heading}>Notifications<//>
    ${failure && html`<p class="govuk-body">${failure}</p>`}
    ${!items && !failure && html`<${Loading} />`}
    ${items && html`<p class="govuk-body" id="inbox-summary">${items.length
      ? `${unread === 0 ? 'Nothing new' : `${unread} new`}. Opening a notification marks it as read.`
      : 'You have no notifications.'}</p>
      ${items.length > 0 && html`<ul class="hw-work-list" id="inbox">${items.map((n) => html`<${Item} key=${n.id} n=${n} onRead=${onRead} />`)}</ul>`}
      ${cursor && html`<button type="button" class="govuk-button govuk-button--secondary" disabled=${busy}
        onClick=${() => load(cursor)}>Show older notifications</button>`}`}`;
}
