// The episode page: what happened (a timeline of its history), its deadlines, what is recorded,
// and the events the user may send now as buttons that open their forms. Two API requests: the
// episode (with its child, clocks and allowed events) and its history; the child's profile and the
// people, places and vehicles linked to the episode are their own sections' requests. It prints on A4 (the
// print style sheet in _homeward.scss leaves out navigation, forms and buttons), and links to the
// same episode as a PDF the server renders (GET /api/v1/episodes/{id}/report).
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { markNotificationRead } from '../notify.js';
import { searchParam } from '../router.js';
import { Heading, LinkButton, Loading, SummaryList, Tag, html } from '../components.js';
import { state } from '../state.js';
import { Flash } from './work.js';
import { ProfileSection } from './profile.js';
import { EntitiesSection } from './entities.js';
import {
  actionTypes, childName, clockNames, day, events, riskNames, roleNames, stateColours, stateNames, timeLeft, when,
} from '../words.js';

export async function loadEpisode(id) {
  const reply = await get(`/api/v1/episodes/${encodeURIComponent(id)}`);
  const loaded = { episode: reply.data, etag: reply.etag };
  state.episodes.set(id, loaded);
  return loaded;
}

export function deadlineStatus(d) {
  if (d.status === 'met') return html`<${Tag} colour="govuk-tag--green">Done<//> <span class="govuk-body-s">${when(d.met_at)}</span>`;
  if (d.status === 'stopped') return html`<${Tag} colour="govuk-tag--grey">No longer needed<//>`;
  if (d.overdue || d.status === 'overdue') return html`<${Tag} colour="govuk-tag--red">${timeLeft(d.due_at)}<//>`;
  if (d.status === 'due_soon') return html`<${Tag} colour="govuk-tag--yellow">${timeLeft(d.due_at)}<//>`;
  return html`<${Tag} colour="govuk-tag--blue">${timeLeft(d.due_at)}<//>`;
}

// The printed page's footer: who printed it, in one line of text.
function printedBy(user) {
  const role = roleNames[user?.role] ?? user?.role;
  return `Printed from Homeward by ${user?.username} (${role}, ${user?.organisation}). It holds personal data: keep it secure.`;
}

function Deadlines({ episode }) {
  const deadlines = episode.deadlines ?? [];
  if (!deadlines.length) return html`<p class="govuk-body">No deadline runs on this episode.</p>`;
  const actions = new Map((episode.actions ?? []).map((a) => [a.id, a]));
  return html`<table class="govuk-table" id="deadlines">
    <caption class="govuk-table__caption govuk-visually-hidden">Deadlines</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">What</th>
      <th scope="col" class="govuk-table__header">Due</th>
      <th scope="col" class="govuk-table__header">Status</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      ${deadlines.map((d, i) => html`<tr class="govuk-table__row" key=${i}>
        <td class="govuk-table__cell">${clockNames[d.kind] ?? d.kind}${d.subject && actions.get(d.subject) ? `: ${actionTypes[actions.get(d.subject).type]}` : ''}</td>
        <td class="govuk-table__cell">${when(d.due_at)}</td>
        <td class="govuk-table__cell">${deadlineStatus(d)}</td>
      </tr>`)}
    </tbody>
  </table>`;
}

function historyDetail(entry) {
  const d = entry.detail ?? {};
  const parts = [];
  if (d.risk_level) parts.push(`risk ${d.risk_level}`);
  if (d.reason) parts.push(d.reason);
  if (d.cse_risk) parts.push(`CSE risk ${d.cse_risk}`);
  return parts.join(' · ');
}

function Timeline({ history }) {
  return html`<ol class="hw-timeline" id="timeline">
    ${history.map((entry) => html`<li class="hw-timeline__item" key=${entry.version}>
      <h3 class="hw-timeline__title">${events[entry.event]?.done ?? entry.event}</h3>
      <p class="hw-timeline__meta">${when(entry.at)} by ${entry.actor_username} (${roleNames[entry.role] ?? entry.role})</p>
      ${entry.from_state !== entry.to_state && html`<p class="hw-timeline__meta">
        ${entry.from_state ? `${stateNames[entry.from_state]} → ` : ''}${stateNames[entry.to_state]}</p>`}
      ${historyDetail(entry) && html`<p class="govuk-body-s govuk-!-margin-bottom-0">${historyDetail(entry)}</p>`}
    </li>`)}
  </ol>`;
}

const actionStatus = { open: ['Open', 'govuk-tag--blue'], done: ['Done', 'govuk-tag--green'], cancelled: ['Cancelled', 'govuk-tag--grey'] };

function Actions({ episode, id, allowed }) {
  const canComplete = allowed.includes('action-complete');
  const canCancel = allowed.includes('action-cancel');
  const canReassign = allowed.includes('action-reassign');
  const actions = episode.actions ?? [];
  if (!actions.length) return html`<p class="govuk-body">No follow-up action has been raised.</p>`;
  const me = state.session?.user.id;
  return html`<ul class="hw-work-list" id="actions">
    ${actions.map((a) => html`<li class="hw-work-list__item" key=${a.id}>
      <h3 class="govuk-heading-s govuk-!-margin-bottom-1">${actionTypes[a.type] ?? a.type}
        ${' '}<${Tag} colour=${actionStatus[a.status]?.[1] ?? 'govuk-tag--grey'}>${actionStatus[a.status]?.[0] ?? a.status}<//></h3>
      <p class="govuk-body govuk-!-margin-bottom-1">${a.description}</p>
      <p class="govuk-body-s govuk-!-margin-bottom-1">Owner: ${a.owner_id === me ? 'you' : 'another user'} · due ${when(a.due_at)}
        ${a.status === 'open' ? ` (${timeLeft(a.due_at)})` : ''}</p>
      ${a.outcome && html`<p class="govuk-body-s govuk-!-margin-bottom-1">${a.status === 'cancelled' ? 'Why it was cancelled' : 'Outcome'}: ${a.outcome}</p>`}
      ${a.status === 'open' && html`<ul class="govuk-list hw-inline-links">
        ${canComplete && html`<li><a class="govuk-link" href=${`/episodes/${id}/complete-action?action=${a.id}`}>
          Mark as done<span class="govuk-visually-hidden">: ${actionTypes[a.type]}</span></a></li>`}
        ${canCancel && html`<li><a class="govuk-link" href=${`/episodes/${id}/cancel-action?action=${a.id}`}>
          Cancel<span class="govuk-visually-hidden"> the action: ${actionTypes[a.type]}</span></a></li>`}
        ${canReassign && html`<li><a class="govuk-link" href=${`/episodes/${id}/reassign-action?action=${a.id}`}>
          Give to someone else<span class="govuk-visually-hidden">: ${actionTypes[a.type]}</span></a></li>`}
      </ul>`}
    </li>`)}
  </ul>`;
}

// For social work: why the episode cannot be closed yet, before anyone tries.
function WhyNotClosed({ episode, allowed }) {
  const role = state.session?.user.role;
  if (!['social_worker', 'manager'].includes(role) || !['interviewed', 'follow_up'].includes(episode.state) ||
      allowed.includes('close')) {
    return null;
  }
  const reasons = [];
  if ((episode.actions ?? []).some((a) => a.status === 'open')) reasons.push('every follow-up action is done or cancelled');
  const risk = episode.interview?.cse_risk;
  if (['medium', 'high'].includes(risk) && !episode.sign_off) {
    reasons.push(`it has been signed off by the CSE champion, because its CSE risk is ${risk}`);
  }
  if (!reasons.length) return null;
  return html`<div class="govuk-inset-text" id="why-not-closed">The episode can be closed once ${reasons.join(', and ')}.</div>`;
}

export function Episode({ id }) {
  const [loaded, setLoaded] = useState(null);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    markNotificationRead(searchParam('notification'));
  }, [id]);
  useEffect(() => {
    let live = true;
    Promise.all([loadEpisode(id), get(`/api/v1/episodes/${encodeURIComponent(id)}/history`)])
      .then(([episode, history]) => live && setLoaded({ ...episode, history: history.data.items }))
      .catch((error) => live && error.status !== 401 && setFailure(error.status === 404 ? 'There is no such episode, or it is not yours to see.' : error.message));
    return () => {
      live = false;
    };
  }, [id]);
  if (failure) return html`<${Heading}>Episode not found<//><p class="govuk-body">${failure}</p>`;
  if (!loaded) return html`<${Loading} />`;
  const { episode, history } = loaded;
  const allowed = episode.allowed_events ?? [];
  // Marking an action done is offered at each action; taking an episode one already holds is no news.
  const mine = episode.assigned_worker_id && episode.assigned_worker_id === state.session?.user.id;
  const manager = state.session?.user.role === 'manager';
  const onActions = ['action-complete', 'action-cancel', 'action-reassign'];
  const buttons = allowed.filter((e) => !onActions.includes(e) && !(e === 'assign' && mine && !manager));
  const label = (e) => (e === 'assign' && manager
    ? (episode.assigned_worker_id ? 'Reassign the episode' : 'Assign the episode')
    : events[e]?.action ?? e);
  const interview = episode.interview;
  const offer = episode.interview_offer;
  return html`<${Flash} />
    <${Heading} caption=${`Episode · reference ${episode.police_reference}`}>${childName(episode.child)}<//>
    <${PrintLinks} id=${id} />
    <p class="govuk-body"><${Tag} colour=${stateColours[episode.state]}>${stateNames[episode.state]}<//>
      ${' '}${episode.missing_or_away === 'away' ? 'Away from placement (whereabouts known)' : 'Whereabouts were unknown'} · police risk grade ${episode.risk_level}
      ${interview?.cse_risk ? ` · CSE risk ${riskNames[interview.cse_risk].toLowerCase()}` : ''}</p>
    <h2 class="govuk-heading-m hw-no-print">What you can do now</h2>
    ${buttons.length
      ? html`<div class="hw-actions hw-no-print" id="allowed-events">${buttons.map((e) => html`<${LinkButton} key=${e}
          href=${`/episodes/${id}/${e}`} secondary=${buttons.indexOf(e) > 0}>${label(e)}<//>`)}</div>`
      : html`<p class="govuk-body hw-no-print" id="allowed-events">There is nothing for you to do on this episode now.</p>`}
    <div class="hw-no-print"><${WhyNotClosed} episode=${episode} allowed=${allowed} /></div>
    ${episode.child?.id && html`<${ProfileSection} id=${episode.child.id} name=${childName(episode.child)} episodeId=${id} />`}
    <h2 class="govuk-heading-m">Deadlines</h2>
    <${Deadlines} episode=${episode} />
    <h2 class="govuk-heading-m">The report</h2>
    <${SummaryList} rows=${[
      ['Child', html`${state.session?.user.role !== 'police' && episode.child?.id
        ? html`<a class="govuk-link" href=${`/children/${episode.child.id}`}>${childName(episode.child)}</a>` : childName(episode.child)}${episode.child?.date_of_birth ? `, born ${day(episode.child.date_of_birth)}` : ''}`],
      ['Last seen', `${when(episode.last_seen_at)}, ${episode.last_seen_location}`],
      ['Circumstances', episode.circumstances],
      ['Risk grade', riskNames[episode.risk_level]],
      ['Missing or away', episode.missing_or_away === 'away' ? 'Away' : 'Missing'],
      ['Police force', episode.police_force],
      ['Responsible council', episode.responsible_authority],
      ['Host council', episode.host_authority],
      ['Reported', when(episode.reported_at)],
    ]} />
    ${episode.returned_at && html`<h2 class="govuk-heading-m">The return</h2>
      <${SummaryList} rows=${[
        ['Returned', when(episode.returned_at)],
        ['Found at', episode.found_location],
        ['Returned to', episode.returned_to],
        ['Found by', episode.found_by],
        ['Safe and well check', episode.safe_and_well ? `${when(episode.safe_and_well.conducted_at)}: ${episode.safe_and_well.notes}` : 'Not yet recorded'],
        ['Concerns from the check', episode.safe_and_well?.concerns],
      ]} />`}
    ${(offer || interview) && html`<h2 class="govuk-heading-m">The return interview</h2>
      <${SummaryList} rows=${[
        ['Offered', offer ? `${when(offer.offered_at)}, for ${when(offer.scheduled_for)}${offer.independent ? ' (independent interviewer)' : ''}` : null],
        ['Outcome', interview ? (interview.outcome === 'declined' ? `The child declined (${when(interview.conducted_at)})` : `Held ${when(interview.conducted_at)}`) : null],
        ['Reason given', interview?.declined_reason],
        ['What the carers know', interview?.carers_account],
        ['Where the child stayed', interview?.where_stayed],
        ['With whom', interview?.with_whom],
        ['Indicator score', interview?.indicator_score != null ? `${interview.indicator_score} (suggested CSE risk ${riskNames[interview.suggested_cse_risk]?.toLowerCase()})` : null],
        ['CSE risk', interview?.cse_risk ? riskNames[interview.cse_risk] : null],
        ['Why lower than suggested', interview?.risk_rationale],
        ['The child’s views', interview?.child_views],
        ['Shared with police', interview?.police_intelligence],
      ]} />`}
    ${['interviewed', 'follow_up', 'closed'].includes(episode.state) && html`<h2 class="govuk-heading-m">Follow-up actions</h2>
      <${Actions} episode=${episode} id=${id} allowed=${allowed} />`}
    ${episode.sign_off && html`<h2 class="govuk-heading-m">Sign-off</h2>
      <${SummaryList} rows=${[['Signed off', when(episode.sign_off.signed_off_at)], ['Note', episode.sign_off.note]]} />`}
    ${episode.closed_at && html`<h2 class="govuk-heading-m">Closure</h2>
      <${SummaryList} rows=${[['Closed', when(episode.closed_at)], ['Summary', episode.close_summary]]} />`}
    <${EntitiesSection} episodeId=${id} />
    <h2 class="govuk-heading-m">History</h2>
    <${Timeline} history=${history} />
    <p class="govuk-body-s hw-print-only" id="printed-by">${printedBy(state.session?.user)}</p>`;
}

// Print this page (A4, by the print style sheet), or download the report the server renders.
function PrintLinks({ id }) {
  const report = `/api/v1/episodes/${encodeURIComponent(id)}/report`;
  return html`<div class="hw-print-links hw-no-print" id="print-links">
    <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="print-episode"
      onClick=${() => window.print()}>Print</button>
    <a class="govuk-link govuk-body" id="download-report" href=${report} download=${`episode-${id}.pdf`}>Download PDF<span
      class="govuk-visually-hidden"> of this episode's report</span></a>
  </div>`;
}
