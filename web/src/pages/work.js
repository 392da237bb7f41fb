// "My work" for social workers (and their managers and the champion), and the police's own
// page: the clocks the user holds, overdue first then due soon, and the episodes to act on.
import { useEffect, useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { Banner, Heading, LinkButton, Loading, Tag, html } from '../components.js';
import { state, takeFlash } from '../state.js';
import { childName, clockNames, day, openStates, socialWorkStates, stateColours, stateNames, timeLeft, when } from '../words.js';

function useLists(requests) {
  const [lists, setLists] = useState(null);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    let live = true;
    Promise.all(requests.map((path) => get(path)))
      .then((replies) => live && setLists(replies.map((r) => r.data.items)))
      .catch((error) => live && error.status !== 401 && setFailure(error.message));
    return () => {
      live = false;
    };
  }, []);
  return [lists, failure];
}

function ClockList({ id, items, overdue, empty }) {
  if (!items.length) return html`<p class="govuk-body" id=${id}>${empty}</p>`;
  return html`<ul class="hw-work-list" id=${id}>
    ${items.map((item) => html`<li class="hw-work-list__item" key=${item.clock_id}>
      <h3 class="govuk-heading-s govuk-!-margin-bottom-1">
        ${item.episode_id
          ? html`<a class="govuk-link" href=${`/episodes/${item.episode_id}`}>${childName(item.child)}</a>`
          : childName(item.child)}
      </h3>
      <p class="govuk-body govuk-!-margin-bottom-1">${clockNames[item.kind] ?? item.kind}</p>
      <p class="govuk-body-s govuk-!-margin-bottom-0">
        <${Tag} colour=${overdue ? 'govuk-tag--red' : 'govuk-tag--yellow'}>${timeLeft(item.due_at)}<//>
        ${' '}Due ${when(item.due_at)}${item.holder?.username && item.holder.user_id !== state.session?.user.id ? ` · held by ${item.holder.username}` : ''}
      </p>
    </li>`)}
  </ul>`;
}

function EpisodeList({ id, items, empty }) {
  if (!items.length) return html`<p class="govuk-body" id=${id}>${empty}</p>`;
  return html`<ul class="hw-work-list" id=${id}>
    ${items.map((e) => html`<li class="hw-work-list__item" key=${e.id}>
      <h3 class="govuk-heading-s govuk-!-margin-bottom-1">
        <a class="govuk-link" href=${`/episodes/${e.id}`}>${childName(e.child)}</a>
      </h3>
      <p class="govuk-body-s govuk-!-margin-bottom-0">
        <${Tag} colour=${stateColours[e.state]}>${stateNames[e.state]}<//>
        ${' '}Reported ${e.missing_or_away === 'away' ? 'away' : 'missing'} ${when(e.reported_at)} · risk ${e.risk_level} · reference ${e.police_reference}
        ${e.child?.date_of_birth ? ` · born ${day(e.child.date_of_birth)}` : ''}
      </p>
    </li>`)}
  </ul>`;
}

function Flash() {
  const [flash] = useState(takeFlash);
  if (!flash) return null;
  return html`<${Banner} type=${flash.type} title=${flash.title}>
    <p class="govuk-notification-banner__heading">${flash.text}</p><//>`;
}

export function MyWork() {
  const [lists, failure] = useLists([
    `/api/v1/overdue${query({ limit: 50 })}`,
    `/api/v1/overdue${query({ due_soon: 'true', limit: 50 })}`,
    `/api/v1/episodes${query({ assigned: 'me', state: socialWorkStates, limit: 50 })}`,
    `/api/v1/episodes${query({ assigned: 'none', state: socialWorkStates, limit: 50 })}`,
  ]);
  const mine = state.session?.user.role === 'social_worker';
  return html`<${Flash} />
    <${Heading}>My work<//>
    ${failure && html`<p class="govuk-body">${failure}</p>`}
    ${!lists && !failure && html`<${Loading} />`}
    ${lists && html`<div id="my-work-lists">
      <h2 class="govuk-heading-m">Overdue</h2>
      <${ClockList} id="overdue-list" items=${lists[0]} overdue=${true}
        empty=${mine ? 'Nothing you hold is overdue.' : 'Nothing in your authority is overdue.'} />
      <h2 class="govuk-heading-m">Due in the next 24 hours</h2>
      <${ClockList} id="due-soon-list" items=${lists[1]} overdue=${false} empty="Nothing falls due in the next 24 hours." />
      <h2 class="govuk-heading-m">Your episodes</h2>
      <${EpisodeList} id="mine-list" items=${lists[2]} empty="No open episode is assigned to you." />
      <h2 class="govuk-heading-m">Waiting for a social worker</h2>
      <p class="govuk-body">Children who have returned and whose episode nobody has taken yet.</p>
      <${EpisodeList} id="unassigned-list" items=${lists[3]} empty="Every returned child has a social worker." />
    </div>`}`;
}

export function PoliceWork() {
  const [lists, failure] = useLists([
    `/api/v1/overdue${query({ limit: 50 })}`,
    `/api/v1/overdue${query({ due_soon: 'true', limit: 50 })}`,
    `/api/v1/episodes${query({ state: openStates, limit: 50 })}`,
  ]);
  return html`<${Flash} />
    <${Heading}>Police work<//>
    <${LinkButton} href="/report">Report a child missing<//>
    ${failure && html`<p class="govuk-body">${failure}</p>`}
    ${!lists && !failure && html`<${Loading} />`}
    ${lists && html`<div id="police-lists">
      <h2 class="govuk-heading-m">Overdue police work</h2>
      <${ClockList} id="overdue-list" items=${lists[0]} overdue=${true} empty="No police clock of your force is overdue." />
      <h2 class="govuk-heading-m">Due in the next 24 hours</h2>
      <${ClockList} id="due-soon-list" items=${lists[1]} overdue=${false} empty="Nothing falls due in the next 24 hours." />
      <h2 class="govuk-heading-m">Open episodes</h2>
      <${EpisodeList} id="open-list" items=${lists[2]} empty="Your force has no open episode." />
    </div>`}`;
}

export { Flash };
