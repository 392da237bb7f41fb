// The CSE champion's page: episodes waiting for their sign-off, children whose latest assessment
// found medium or high CSE risk, children still missing, and repeat-missing reviews to hold.
import { query } from '../api.js';
import { Heading, Loading, Tag, html } from '../components.js';
import { state } from '../state.js';
import { childName, day, riskColours, riskNames, since, stateColours, stateNames, when } from '../words.js';
import { ClockList, Flash, useLists } from './work.js';

const requests = [
  `/api/v1/episodes${query({ awaiting_sign_off: 'true', limit: 50 })}`,
  `/api/v1/children${query({ cse_risk: 'medium,high', limit: 100 })}`,
  `/api/v1/episodes${query({ state: 'missing', limit: 50 })}`,
  // open=true: every review still to hold, from the day it opens, not only the late ones.
  `/api/v1/overdue${query({ kind: 'repeat_missing_review', open: 'true', limit: 50 })}`,
];

function AwaitingSignOff({ items }) {
  if (!items.length) return html`<p class="govuk-body" id="sign-off-list">No episode is waiting for your sign-off.</p>`;
  return html`<ul class="hw-work-list" id="sign-off-list">
    ${items.map((e) => html`<li class="hw-work-list__item" key=${e.id}>
      <h3 class="govuk-heading-s govuk-!-margin-bottom-1">
        <a class="govuk-link" href=${`/episodes/${e.id}`}>${childName(e.child)}</a></h3>
      <p class="govuk-body-s govuk-!-margin-bottom-1">
        <${Tag} colour=${stateColours[e.state]}>${stateNames[e.state]}<//>
        ${' '}Reported ${when(e.reported_at)}${e.returned_at ? ` · returned ${when(e.returned_at)}` : ''} · reference ${e.police_reference}</p>
      <p class="govuk-body-s govuk-!-margin-bottom-0">
        <a class="govuk-link" href=${`/episodes/${e.id}/sign-off?return=${encodeURIComponent('/oversight')}`}>Sign off<span class="govuk-visually-hidden">: ${childName(e.child)}</span></a></p>
    </li>`)}
  </ul>`;
}

function ChildrenAtRisk({ items }) {
  if (!items.length) return html`<p class="govuk-body" id="at-risk-list">No child’s latest assessment found medium or high CSE risk.</p>`;
  const sorted = [...items].sort((a, b) => (a.cse_risk === b.cse_risk ? 0 : a.cse_risk === 'high' ? -1 : 1));
  return html`<ul class="hw-work-list" id="at-risk-list">
    ${sorted.map((c) => html`<li class="hw-work-list__item" key=${c.id}>
      <h3 class="govuk-heading-s govuk-!-margin-bottom-1">
        <a class="govuk-link" href=${`/children/${c.id}`}>${childName(c)}</a></h3>
      <p class="govuk-body-s govuk-!-margin-bottom-0">
        <${Tag} colour=${riskColours[c.cse_risk]}>CSE risk ${riskNames[c.cse_risk].toLowerCase()}<//>
        ${' '}Assessed ${when(c.assessed_at)} · born ${day(c.date_of_birth)}${c.looked_after ? ' · looked after' : ''}</p>
    </li>`)}
  </ul>`;
}

function StillMissing({ items }) {
  if (!items.length) return html`<p class="govuk-body" id="missing-list">No child of your authority is missing now.</p>`;
  // Longest missing first.
  const sorted = [...items].sort((a, b) => new Date(a.last_seen_at) - new Date(b.last_seen_at));
  return html`<ul class="hw-work-list" id="missing-list">
    ${sorted.map((e) => html`<li class="hw-work-list__item" key=${e.id}>
      <h3 class="govuk-heading-s govuk-!-margin-bottom-1">
        <a class="govuk-link" href=${`/episodes/${e.id}`}>${childName(e.child)}</a></h3>
      <p class="govuk-body-s govuk-!-margin-bottom-0">
        ${e.long_missing && html`<${Tag} colour="govuk-tag--red">Long missing<//>${' '}`}
        Missing for ${since(e.last_seen_at)} (last seen ${when(e.last_seen_at)}) · ${e.missing_or_away === 'away' ? 'away' : 'whereabouts unknown'} · police risk grade ${e.risk_level}</p>
    </li>`)}
  </ul>`;
}

export function Oversight() {
  const [lists, failure] = useLists(requests);
  return html`<${Flash} />
    <${Heading} caption=${state.session?.user.organisation}>CSE oversight<//>
    ${failure && html`<p class="govuk-body">${failure}</p>`}
    ${!lists && !failure && html`<${Loading} />`}
    ${lists && html`<div id="oversight-lists">
      <h2 class="govuk-heading-m">Waiting for your sign-off</h2>
      <p class="govuk-body">Episodes whose CSE risk is medium or high cannot be closed until you sign them off.</p>
      <${AwaitingSignOff} items=${lists[0]} />
      <h2 class="govuk-heading-m">Children at medium or high CSE risk</h2>
      <p class="govuk-body">By their latest return interview or reassessment.</p>
      <${ChildrenAtRisk} items=${lists[1]} />
      <h2 class="govuk-heading-m">Still missing</h2>
      <${StillMissing} items=${lists[2]} />
      <h2 class="govuk-heading-m">Repeat missing</h2>
      <p class="govuk-body">Children reported missing repeatedly, whose multi-agency review is still to be held, soonest due first.</p>
      <${ClockList} id="repeat-list" items=${lists[3]}
        empty="No repeat-missing review is waiting to be held." />
    </div>`}`;
}
