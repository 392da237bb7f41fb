// A child's page (social work, managers and the CSE champion): who they are, whether they go
// missing repeatedly, their own clocks (the repeat-missing review, the CSE reassessment), the
// reviews and reassessments recorded, and their episodes; and the two forms that record a review.
// One API request: GET /api/v1/children/{id}.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.js';
import {
  BackLink, Button, DateTimeInput, ErrorSummary, Heading, LinkButton, Loading, Radios, SummaryList, Tag, Textarea, html,
} from '../components.js';
import { fieldMessages, nowParts, partsToValue, summaryOf } from '../form.js';
import { navigate, searchParam } from '../router.js';
import { markNotificationRead } from '../notify.js';
import { setFlash, state } from '../state.js';
import {
  childName, clockNames, day, reviewKinds, riskColours, riskNames, riskOrder, sentence, when,
} from '../words.js';
import { deadlineStatus } from './episode.js';
import { EpisodeList, Flash } from './work.js';
import { ProfileSection } from './profile.js';

async function loadChild(id) {
  return (await get(`/api/v1/children/${encodeURIComponent(id)}`)).data;
}

function useChild(id) {
  const [child, setChild] = useState(null);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    let live = true;
    loadChild(id).then((c) => live && setChild(c)).catch((error) => live && error.status !== 401 &&
      setFailure(error.status === 404 ? 'There is no such child, or they are not yours to see.' : error.message));
    return () => {
      live = false;
    };
  }, [id]);
  return { child, failure };
}

const openClock = (child, kind) => (child.clocks ?? []).find((c) => c.kind === kind && !c.met_at && c.status !== 'met' && c.status !== 'stopped');

function recorder(review) {
  if (review.recorded_by === state.session?.user.id) return 'you';
  return review.recorded_by_username ?? 'a colleague';
}

function Reviews({ reviews }) {
  if (!reviews.length) return html`<p class="govuk-body" id="reviews">No review or reassessment has been recorded.</p>`;
  return html`<ul class="hw-work-list" id="reviews">
    ${reviews.map((r, i) => html`<li class="hw-work-list__item" key=${i}>
      <h3 class="govuk-heading-s govuk-!-margin-bottom-1">${reviewKinds[r.kind] ?? r.kind}
        ${r.cse_risk && html` <${Tag} colour=${riskColours[r.cse_risk]}>CSE risk ${riskNames[r.cse_risk].toLowerCase()}<//>`}</h3>
      <p class="govuk-body-s govuk-!-margin-bottom-1">Held ${when(r.held_at)} · recorded by ${recorder(r)}</p>
      ${r.notes && html`<p class="govuk-body govuk-!-margin-bottom-0">${r.notes}</p>`}
    </li>`)}
  </ul>`;
}

function Clocks({ clocks }) {
  if (!clocks.length) return html`<p class="govuk-body" id="child-clocks">No review or reassessment is due.</p>`;
  return html`<table class="govuk-table" id="child-clocks">
    <caption class="govuk-table__caption govuk-visually-hidden">Reviews and reassessments due</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">What</th>
      <th scope="col" class="govuk-table__header">Due</th>
      <th scope="col" class="govuk-table__header">Status</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      ${clocks.map((c, i) => html`<tr class="govuk-table__row" key=${i}>
        <td class="govuk-table__cell">${clockNames[c.kind] ?? c.kind}</td>
        <td class="govuk-table__cell">${when(c.due_at)}</td>
        <td class="govuk-table__cell">${deadlineStatus(c)}</td>
      </tr>`)}
    </tbody>
  </table>`;
}

export function Child({ id }) {
  const { child, failure } = useChild(id);
  useEffect(() => {
    markNotificationRead(searchParam('notification'));
  }, [id]);
  if (failure) return html`<${Heading}>Child not found<//><p class="govuk-body">${failure}</p>`;
  if (!child) return html`<${Loading} />`;
  const role = state.session?.user.role;
  const review = openClock(child, 'repeat_missing_review');
  const buttons = [];
  if (review && ['manager', 'cse_champion'].includes(role)) {
    buttons.push([`/children/${id}/repeat-missing-review`, 'Record the repeat-missing review']);
  }
  if (['social_worker', 'manager', 'cse_champion'].includes(role)) {
    buttons.push([`/children/${id}/cse-reassessment`, 'Record a CSE reassessment']);
  }
  return html`<${Flash} />
    <${Heading} caption="Child">${childName(child)}<//>
    ${child.repeat_missing && html`<div class="govuk-warning-text" id="repeat-missing">
      <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
      <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>
        Reported missing ${child.recent_episodes} times in the last ${child.repeat_window_days} days.
        ${review ? ` A multi-agency review is due ${when(review.due_at)}.` : ''}</strong>
    </div>`}
    ${buttons.length > 0 && html`<div class="hw-actions" id="child-actions">
      ${buttons.map(([href, label], i) => html`<${LinkButton} key=${href} href=${href} secondary=${i > 0}>${label}<//>`)}</div>`}
    <${SummaryList} rows=${[
      ['Born', day(child.date_of_birth)],
      ['Looked after', child.looked_after ? 'Yes' : 'No'],
      ['Placement', child.placement_type],
      ['Responsible council', child.responsible_authority],
      ['Host council', child.host_authority],
      ...(child.anonymised_at ? [['Anonymised', when(child.anonymised_at)]] : []),
    ]} />
    ${role === 'cse_champion' && child.responsible_authority === state.session?.user.organisation &&
      html`<p class="govuk-body"><a class="govuk-link" id="access-link" href=${`/children/${encodeURIComponent(id)}/access`}>Who saw this child’s record</a></p>`}
    <${ProfileSection} id=${id} name=${childName(child)} />
    ${role !== 'police' && html`<h2 class="govuk-heading-m">Reviews and reassessments due</h2>
      <${Clocks} clocks=${child.clocks ?? []} />
      <h2 class="govuk-heading-m">Reviews and reassessments</h2>
      <${Reviews} reviews=${child.reviews ?? []} />`}
    <h2 class="govuk-heading-m">Episodes</h2>
    <${EpisodeList} id="child-episodes" items=${child.episodes ?? []} empty="No episode is recorded for this child."
      heading=${(e) => `${e.missing_or_away === 'away' ? 'Away' : 'Missing'} from ${when(e.last_seen_at)}`} />`;
}

// Only a path within the application: never another site.
export function safeReturn(target) {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/sign-in')) return null;
  return target;
}

const forms = {
  'repeat-missing-review': {
    title: 'Record the repeat-missing review',
    intro: 'The multi-agency review held because the child has gone missing repeatedly.',
    when: 'When was the review held?',
    notes: 'What the review decided (optional)',
    notesHint: 'Who attended, what was agreed, the plan',
    button: 'Record the review',
    success: 'The multi-agency review is recorded.',
  },
  'cse-reassessment': {
    title: 'Record a CSE reassessment',
    intro: 'A fresh assessment of the child’s CSE risk. Risk that remains opens the next reassessment; medium or high tells the CSE champion.',
    when: 'When was the reassessment made?',
    notes: 'Notes (optional)',
    notesHint: 'What the assessment found',
    button: 'Record the reassessment',
    success: 'The CSE reassessment is recorded.',
  },
};

export function ChildForm({ id, form: name }) {
  const form = forms[name];
  const { child, failure } = useChild(id);
  const [at, setAt] = useState(nowParts());
  const [risk, setRisk] = useState('');
  const [notes, setNotes] = useState('');
  const [fields, setFields] = useState({});
  const [conflict, setConflict] = useState(null);
  const [busy, setBusy] = useState(false);
  if (!form) return html`<${Heading}>Page not found<//><p class="govuk-body">There is no such form.</p>`;
  if (failure) return html`<${Heading}>Child not found<//><p class="govuk-body">${failure}</p>`;
  if (!child) return html`<${Loading} />`;
  const reassessment = name === 'cse-reassessment';
  const back = safeReturn(searchParam('return')) ?? `/children/${id}`;

  async function submit(event) {
    event.preventDefault();
    const problems = {};
    const held = partsToValue(at, { what: reassessment ? 'reassessment' : 'review' });
    if (held.error) problems.held_at = held.error;
    if (reassessment && !risk) problems.cse_risk = 'Select the CSE risk the reassessment found';
    setConflict(null);
    setFields(problems);
    if (Object.keys(problems).length) return;
    const body = { held_at: held.value };
    if (reassessment) body.cse_risk = risk;
    if (notes.trim()) body.notes = notes.trim();
    setBusy(true);
    try {
      await post(`/api/v1/children/${encodeURIComponent(id)}/${name}`, body);
      setFlash('success', 'Done', form.success);
      navigate(back);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401) return;
      if (error.status === 422) {
        setFields(fieldMessages(error, { held_at: 'the time', cse_risk: 'the CSE risk', notes: 'the notes' }));
      } else if (error.status === 409 && !reassessment) {
        // The review answers the reports before it: a time before the latest report meets nothing.
        setConflict('No multi-agency review was waiting at that time. Give the time the review was held, after the report that made it due.');
      } else if (error.status === 409) {
        setConflict(`You cannot record this now. ${sentence(error.problem.detail ?? '')}`);
      } else {
        setConflict(error.status === 403 ? 'Your role may not record this.' : error.message);
      }
    } finally {
      setBusy(false);
    }
  }

  const errors = [
    ...(conflict ? [{ message: conflict }] : []),
    ...summaryOf(fields, { held_at: 'held_at-day', cse_risk: 'cse_risk', notes: 'notes' }),
  ];
  return html`<${BackLink} href=${back}>Back<//>
    <${ErrorSummary} errors=${errors} />
    <${Heading} caption=${childName(child)}>${form.title}<//>
    <p class="govuk-body">${form.intro}</p>
    <form novalidate onSubmit=${submit}>
      <${DateTimeInput} id="held_at" legend=${form.when} value=${at} onChange=${setAt} error=${fields.held_at} />
      ${reassessment && html`<${Radios} id="cse_risk" legend="The CSE risk found" value=${risk} onChange=${setRisk}
        error=${fields.cse_risk} items=${riskOrder.map((r) => ({ value: r, label: riskNames[r] }))} />`}
      <${Textarea} id="notes" label=${form.notes} hint=${form.notesHint} value=${notes} onInput=${setNotes} error=${fields.notes} />
      <${Button} disabled=${busy}>${form.button}<//>
    </form>`;
}

