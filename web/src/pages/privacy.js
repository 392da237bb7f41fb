// The data-protection officer's pages: finding a child of their council by exact name and date of
// birth, who saw that child's record (also for the council's CSE champion, from the child's page),
// the subject-access export, and the legal hold that keeps the records whatever the retention
// schedule says. Nothing of the case itself is shown here.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, put, query, remove } from '../api.js';
import {
  BackLink, Banner, Button, DateTimeInput, ErrorSummary, Heading, Loading, SummaryList, Tag, TextInput, Textarea, html,
} from '../components.js';
import { emptyParts, partsToValue, summaryOf } from '../form.js';
import { navigate, searchParam } from '../router.js';
import { state } from '../state.js';
import { childName, day, roleNames, when } from '../words.js';
import { Flash } from './work.js';

// The children found by the last lookup, so that their pages can name them: the officer cannot
// read the child's record itself.
const known = new Map();

function HoldTag({ hold }) {
  return hold ? html`<${Tag} colour="govuk-tag--purple">Legal hold<//>` : null;
}

function ChildLinks({ child }) {
  const id = encodeURIComponent(child.id);
  return html`<ul class="govuk-list">
    <li><a class="govuk-link" href=${`/children/${id}/access`}>Who saw ${childName(child)}’s record</a></li>
    <li><a class="govuk-link" href=${`/api/v1/children/${id}/export`} download=${`child-${child.id}-export.zip`}
      >Download everything held about ${childName(child)}<span class="govuk-visually-hidden"> (ZIP: a JSON document and a PDF)</span></a></li>
    <li><a class="govuk-link" href=${`/children/${id}/legal-hold`}>${child.legal_hold ? 'Change or lift the legal hold' : 'Place a legal hold'}</a></li>
  </ul>`;
}

export function DataProtection() {
  const [name, setName] = useState(searchParam('q') ?? '');
  const [born, setBorn] = useState(() => {
    const given = searchParam('date_of_birth');
    if (!given) return emptyParts();
    const [year, month, dayOfMonth] = given.split('-');
    return { day: String(Number(dayOfMonth)), month: String(Number(month)), year, time: '' };
  });
  const [fields, setFields] = useState({});
  const [found, setFound] = useState(null);
  const [busy, setBusy] = useState(false);

  async function find(q, dateOfBirth) {
    setBusy(true);
    try {
      const { data } = await get(`/api/v1/privacy/children${query({ q, date_of_birth: dateOfBirth })}`);
      data.items.forEach((child) => known.set(child.id, child));
      setFound(data.items);
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        setFields({ name: error.fields.q ? `Name ${error.fields.q}` : error.message });
      }
    } finally {
      setBusy(false);
    }
  }
  useEffect(() => {
    const q = searchParam('q');
    const dateOfBirth = searchParam('date_of_birth');
    if (q && dateOfBirth) find(q, dateOfBirth);
  }, []);

  function submit(event) {
    event.preventDefault();
    const problems = {};
    if (name.trim().length < 2) problems.name = 'Enter the child’s family name, or their given and family names';
    const date = partsToValue(born, { time: false, what: 'date of birth' });
    if (date.error) problems.date_of_birth = date.error;
    setFields(problems);
    if (Object.keys(problems).length) return;
    // The search is kept in the address, so that Back returns to the results.
    navigate(`/data-protection${query({ q: name.trim(), date_of_birth: date.value })}`, { replace: true });
    find(name.trim(), date.value);
  }

  const errors = summaryOf(fields, { name: 'name', date_of_birth: 'date_of_birth-day' });
  return html`<${Flash} />
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${ErrorSummary} errors=${errors} />
    <${Heading} caption=${state.session?.user.organisation}>Data protection<//>
    <p class="govuk-body">Find a child your council is responsible for, to see who has read or changed their record,
      to download everything Homeward holds about them for a subject-access request, or to place a legal hold.
      Every lookup is recorded in the child’s access log.</p>
    <form novalidate onSubmit=${submit} id="find-child">
      <${TextInput} id="name" label="The child’s name" hint="Their family name, or their given and family names, exactly as recorded"
        autocomplete="off" spellcheck="false" value=${name} onInput=${setName} error=${fields.name} labelClass="govuk-label govuk-label--s" />
      <${DateTimeInput} id="date_of_birth" legend="Date of birth" time=${false} value=${born} onChange=${setBorn} error=${fields.date_of_birth} />
      <${Button} disabled=${busy} id="find">Find the child<//>
    </form>
    ${found && found.length === 0 && html`<p class="govuk-body" id="no-children">No child of your council has that name and date of birth.
      Check the spelling, or try the family name alone.</p>`}
    ${found && found.length > 0 && html`<ul class="hw-work-list" id="children-found">
      ${found.map((child) => html`<li class="hw-work-list__item" key=${child.id} data-child=${child.id}>
        <h2 class="govuk-heading-s govuk-!-margin-bottom-1">${childName(child)} <${HoldTag} hold=${child.legal_hold} /></h2>
        <p class="govuk-body-s govuk-!-margin-bottom-1">Born ${day(child.date_of_birth)} · responsible council ${child.responsible_authority}</p>
        <${ChildLinks} child=${child} />
      </li>`)}
    </ul>`}
    </div></div>`;
}

// The caption naming the child: from the officer's lookup, or the child's record for a champion.
function useChildCaption(id) {
  const [caption, setCaption] = useState(known.has(id) ? childName(known.get(id)) : null);
  useEffect(() => {
    if (caption || state.session?.user.role === 'data_protection_officer') return;
    get(`/api/v1/children/${encodeURIComponent(id)}`)
      .then(({ data }) => setCaption(childName(data)))
      .catch(() => {});
  }, [id]);
  return caption ?? 'Child';
}

// Back to the officer's lookup that found the child (or to the child's page, for a champion).
function backFor(id) {
  if (state.session?.user.role !== 'data_protection_officer') {
    return [`/children/${encodeURIComponent(id)}`, 'Back to the child'];
  }
  const child = known.get(id);
  return [`/data-protection${child ? query({ q: `${child.given_name} ${child.family_name}`, date_of_birth: child.date_of_birth }) : ''}`,
    'Back to data protection'];
}

function who(entry) {
  const actor = entry.actor;
  if (!actor.id) return 'Homeward (the system)';
  const parts = [roleNames[actor.role] ?? actor.role, actor.organisation.name ?? actor.organisation.code];
  if (actor.team) parts.push(actor.team);
  return html`<a class="govuk-link" href=${`?${new URLSearchParams({ ...filtersInAddress(), user: actor.id })}`}
    title="Show only this person’s entries">${actor.name ?? actor.id}</a>
    <span class="govuk-body-s hw-block">${parts.filter(Boolean).join(' · ')}</span>`;
}

function what(entry) {
  const record = entry.record.type === 'episode' ? 'an episode' : 'the child’s record';
  const how = entry.listed ? `listed among results (${entry.route ?? entry.action})` : entry.route ?? entry.action;
  return html`<code class="hw-code">${how}</code>
    <span class="govuk-body-s hw-block">About ${record}${entry.outcome !== 'success' ? ` · ${entry.outcome.replaceAll('_', ' ')}` : ''}</span>
    ${entry.reason && html`<span class="govuk-body-s hw-block">Reason given: ${entry.reason}</span>`}`;
}

const filterNames = ['from', 'to', 'organisation', 'user'];

function filtersInAddress() {
  const out = {};
  for (const name of filterNames) {
    const value = searchParam(name);
    if (value) out[name] = value;
  }
  return out;
}

// A date typed as YYYY-MM-DD in the filters, as the start of that day (from) or of the next (to).
function dayBound(text, next) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (next ? 1 : 0)));
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace('.000Z', 'Z');
}

export function AccessLog({ id }) {
  const caption = useChildCaption(id);
  const filters = filtersInAddress();
  const [entries, setEntries] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [failure, setFailure] = useState(null);
  const [form, setForm] = useState({
    from: filters.from?.slice(0, 10) ?? '',
    // `to` is the start of the day after the last day shown.
    to: filters.to ? new Date(new Date(filters.to).getTime() - 86400000).toISOString().slice(0, 10) : '',
    organisation: filters.organisation ?? '',
  });
  const [fields, setFields] = useState({});
  const path = `/api/v1/children/${encodeURIComponent(id)}/access`;

  async function load(after) {
    try {
      const { data } = await get(`${path}${query({ ...filters, limit: 50, cursor: after })}`);
      setEntries((before) => [...(after ? before ?? [] : []), ...data.items]);
      setCursor(data.next_cursor);
    } catch (error) {
      if (error.status === 401) return;
      if (error.status === 400) setFailure(`The filters are not right: ${error.message}`);
      else setFailure(error.status === 404 ? 'There is no such child, or your council is not responsible for them.' : error.message);
    }
  }
  useEffect(() => {
    load(null);
  }, []);

  function filter(event) {
    event.preventDefault();
    const problems = {};
    const chosen = {};
    if (form.from.trim()) {
      chosen.from = dayBound(form.from.trim(), false);
      if (!chosen.from) problems.from = 'Enter the first day as YYYY-MM-DD, for example 2026-01-31';
    }
    if (form.to.trim()) {
      chosen.to = dayBound(form.to.trim(), true);
      if (!chosen.to) problems.to = 'Enter the last day as YYYY-MM-DD, for example 2026-03-31';
    }
    if (form.organisation.trim()) chosen.organisation = form.organisation.trim().toUpperCase();
    if (filters.user) chosen.user = filters.user;
    setFields(problems);
    if (Object.keys(problems).length) return;
    navigate(`/children/${encodeURIComponent(id)}/access${query(chosen)}`);
  }

  const [back, backText] = backFor(id);
  const csv = `${path}${query({ ...filters, format: 'csv' })}`;
  const filtered = Object.keys(filters).length > 0;
  return html`<${BackLink} href=${back}>${backText}<//>
    <${ErrorSummary} errors=${summaryOf(fields, { from: 'from', to: 'to' })} />
    <${Heading} caption=${caption}>Who saw this child’s record<//>
    <p class="govuk-body">Every read and change of the child’s record and of each of their episodes, profile, photograph and reports,
      by anyone in any organisation, newest first. A list or search that showed the child counts as a read.</p>
    <details class="govuk-details" open=${filtered}>
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Filter the entries</span></summary>
      <div class="govuk-details__text">
        <form novalidate onSubmit=${filter} id="access-filters">
          <${TextInput} id="from" label="From (the first day)" hint="YYYY-MM-DD" width="10" value=${form.from}
            onInput=${(v) => setForm({ ...form, from: v })} error=${fields.from} labelClass="govuk-label govuk-label--s" />
          <${TextInput} id="to" label="To (the last day)" hint="YYYY-MM-DD" width="10" value=${form.to}
            onInput=${(v) => setForm({ ...form, to: v })} error=${fields.to} labelClass="govuk-label govuk-label--s" />
          <${TextInput} id="organisation" label="Organisation" hint="Its code, for example NORTH-POLICE" width="20" value=${form.organisation}
            onInput=${(v) => setForm({ ...form, organisation: v })} labelClass="govuk-label govuk-label--s" />
          <${Button} id="apply-filters">Show these entries<//>
        </form>
      </div>
    </details>
    ${filtered && html`<p class="govuk-body" id="filters-shown">Showing ${filters.user ? 'one person’s entries' : 'some entries'}.
      <a class="govuk-link" href=${`/children/${encodeURIComponent(id)}/access`}>Show every entry</a></p>`}
    <p class="govuk-body hw-download"><a class="govuk-link" id="access-csv" href=${csv} download="access.csv">Download CSV<span
      class="govuk-visually-hidden"> of ${filtered ? 'these entries' : 'every entry'}</span></a></p>
    ${failure && html`<p class="govuk-body" id="access-failure">${failure}</p>`}
    ${!entries && !failure && html`<${Loading} />`}
    ${entries && entries.length === 0 && html`<p class="govuk-body" id="no-entries">No entry matches.</p>`}
    ${entries && entries.length > 0 && html`<table class="govuk-table" id="access-log">
      <caption class="govuk-table__caption govuk-visually-hidden">Who saw this child’s record</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">When</th>
        <th scope="col" class="govuk-table__header">Who</th>
        <th scope="col" class="govuk-table__header">What</th>
      </tr></thead>
      <tbody class="govuk-table__body">
        ${entries.map((e) => html`<tr class="govuk-table__row" key=${e.id} data-action=${e.action}>
          <td class="govuk-table__cell">${when(e.at)}</td>
          <td class="govuk-table__cell">${who(e)}</td>
          <td class="govuk-table__cell">${what(e)}</td>
        </tr>`)}
      </tbody>
    </table>
    ${cursor && html`<button type="button" class="govuk-button govuk-button--secondary" id="more-entries" onClick=${() => load(cursor)}>Show older entries</button>`}`}`;
}

export function LegalHold({ id }) {
  const caption = useChildCaption(id);
  const [hold, setHold] = useState(undefined); // undefined: not yet known; null: none
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState(null);
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const path = `/api/v1/children/${encodeURIComponent(id)}/legal-hold`;

  useEffect(() => {
    get(path).then(({ data }) => {
      setHold(data.legal_hold);
      setReason(data.legal_hold?.reason ?? '');
    }).catch((error) => error.status !== 401 &&
      setFailure(error.status === 404 ? 'There is no such child, or your council is not responsible for them.' : error.message));
  }, [id]);

  function remember(legalHold) {
    const child = known.get(id);
    if (child) known.set(id, { ...child, legal_hold: legalHold });
  }

  async function place(event) {
    event.preventDefault();
    if (!reason.trim()) {
      setFields({ reason: 'Enter why the records must be kept' });
      return;
    }
    setBusy(true);
    try {
      const { data } = await put(path, { reason: reason.trim() });
      remember(data);
      setNotice(hold ? 'The reason for the legal hold is changed.' : 'The legal hold is placed.');
      setHold(data);
      setFields({});
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) setFields({ reason: error.fields.reason ? `Reason ${error.fields.reason}` : error.message });
    } finally {
      setBusy(false);
    }
  }

  async function lift() {
    setBusy(true);
    try {
      await remove(path);
      remember(null);
      setNotice('The legal hold is lifted: the retention schedule applies again.');
      setHold(null);
      setReason('');
      setFields({});
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) setFailure(error.message);
    } finally {
      setBusy(false);
    }
  }

  const [back, backText] = backFor(id);
  if (failure) return html`<${BackLink} href=${back}>${backText}<//><${Heading}>Legal hold<//><p class="govuk-body">${failure}</p>`;
  if (hold === undefined) return html`<${Loading} />`;
  return html`<${BackLink} href=${back}>${backText}<//>
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${ErrorSummary} errors=${summaryOf(fields, { reason: 'reason' })} />
    ${notice && html`<${Banner} type="success" title="Done"><p class="govuk-notification-banner__heading" id="hold-notice">${notice}</p><//>`}
    <${Heading} caption=${caption}>Legal hold<//>
    ${hold ? html`<div class="govuk-inset-text" id="hold-details">
        This child’s records are on hold: placed ${when(hold.placed_at)} by ${hold.placed_by.username}. The retention schedule will not anonymise them until the hold is lifted.
      </div>
      <${SummaryList} rows=${[['Reason', hold.reason]]} />`
      : html`<p class="govuk-body" id="no-hold">There is no legal hold: the retention schedule applies to this child’s records.</p>`}
    <form novalidate onSubmit=${place} id="hold-form">
      <${Textarea} id="reason" label=${hold ? 'Change the reason' : 'Why must the records be kept?'}
        hint="For example, a civil claim or an inquiry. The reason is kept with the hold, not in the audit trail."
        value=${reason} onInput=${setReason} error=${fields.reason} />
      <${Button} disabled=${busy} id="place-hold">${hold ? 'Save the reason' : 'Place the legal hold'}<//>
    </form>
    ${hold && html`<${Button} secondary=${true} type="button" disabled=${busy} id="lift-hold" onClick=${lift}>Lift the legal hold<//>`}
    </div></div>`;
}
