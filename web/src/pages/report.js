// Report a child missing (police): find the child by name and date of birth, or add them, then
// the report itself. Built to be done in under a minute on a phone.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, post, query } from '../api.js';
import { BackLink, Button, DateTimeInput, ErrorSummary, Heading, Radios, SummaryList, TextInput, Textarea, html } from '../components.js';
import { emptyParts, fieldMessages, newKey, nowParts, partsToValue, summaryOf } from '../form.js';
import { navigate } from '../router.js';
import { loadMe, setFlash } from '../state.js';
import { childName, day } from '../words.js';

function FindChild({ onFound, onAdd }) {
  const [name, setName] = useState('');
  const [dob, setDob] = useState(emptyParts());
  const [fields, setFields] = useState({});
  const [results, setResults] = useState(null);
  const [chosen, setChosen] = useState('');

  async function search(event) {
    event.preventDefault();
    const problems = {};
    if (name.trim().length < 2) problems.q = 'Enter at least 2 letters of the child’s name';
    const born = partsToValue(dob, { time: false, what: 'date of birth' });
    if (born.error) problems.date_of_birth = born.error;
    setFields(problems);
    if (Object.keys(problems).length) return;
    // Police find a child by the exact name (the family name alone, or given and family names)
    // and the date of birth: the server answers them nothing looser.
    const typed = name.trim().split(/\s+/).join(' ');
    try {
      const { data } = await get(`/api/v1/children${query({ q: typed, date_of_birth: born.value, limit: 20 })}`);
      setResults(data.items);
      setChosen(data.items.length === 1 ? data.items[0].id : '');
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) setFields(fieldMessages(error, { q: 'name' }));
    }
  }

  function choose(event) {
    event.preventDefault();
    const child = results.find((c) => c.id === chosen);
    if (!child) {
      setFields({ child: 'Select the child, or add them if they are not listed' });
      return;
    }
    onFound(child);
  }

  const errors = summaryOf(fields, { q: 'search-name', date_of_birth: 'search-dob-day', child: 'child' });
  return html`<${ErrorSummary} errors=${errors} />
    <${Heading} caption="Report a child missing">Find the child<//>
    <form novalidate onSubmit=${search}>
      <${TextInput} id="search-name" label="Child’s name" hint="Their full name, or their family name alone, for example Amy Smith or Smith"
        value=${name} onInput=${setName} error=${fields.q} autocomplete="off" spellcheck="false" />
      <${DateTimeInput} id="search-dob" legend="Date of birth" time=${false} value=${dob} onChange=${setDob}
        error=${fields.date_of_birth} />
      <${Button} id="find-child">Find the child<//>
    </form>
    ${results && html`<form novalidate onSubmit=${choose}>
      ${results.length
        ? html`<${Radios} id="child" legend=${`${results.length === 1 ? 'One child matches' : `${results.length} children match`}`}
            legendClass="govuk-fieldset__legend--m" error=${fields.child} value=${chosen} onChange=${setChosen}
            items=${results.map((c) => ({ value: c.id, label: childName(c), hint: `Born ${day(c.date_of_birth)} · ${c.looked_after ? 'looked after · ' : ''}responsible authority ${c.responsible_authority}` }))} />
          <${Button} id="choose-child">Continue<//>`
        : html`<h2 class="govuk-heading-m" id="no-match">No child matches</h2>`}
    </form>
    <p class="govuk-body"><button type="button" class="govuk-button govuk-button--secondary" id="add-child"
      onClick=${() => onAdd(name, dob)}>The child is not listed: add them</button></p>`}`;
}

function AddChild({ name, dob, onAdded, onBack }) {
  const words = name.trim().split(/\s+/);
  const [child, setChild] = useState({
    given_name: words.length > 1 ? words.slice(0, -1).join(' ') : '',
    family_name: words[words.length - 1] ?? '',
    sex: '',
    looked_after: '',
    responsible_authority: '',
    host_authority: '',
  });
  const [born, setBorn] = useState(dob);
  const [fields, setFields] = useState({});
  // The councils the force works with (an admin keeps the list), offered as the likely ones.
  const [partners, setPartners] = useState([]);
  useEffect(() => {
    loadMe().then((me) => setPartners(me.works_with ?? [])).catch(() => {});
  }, []);
  const set = (key) => (value) => setChild({ ...child, [key]: value });

  async function submit(event) {
    event.preventDefault();
    const date = partsToValue(born, { time: false, what: 'date of birth' });
    const problems = {};
    if (date.error) problems.date_of_birth = date.error;
    if (!child.sex) problems.sex = 'Select the child’s sex';
    if (!child.looked_after) problems.looked_after = 'Select whether the child is looked after';
    if (Object.keys(problems).length) {
      setFields(problems);
      return;
    }
    const body = {
      given_name: child.given_name.trim(),
      family_name: child.family_name.trim(),
      date_of_birth: date.value,
      sex: child.sex,
      looked_after: child.looked_after === 'yes',
      responsible_authority: child.responsible_authority.trim().toUpperCase(),
    };
    if (child.host_authority.trim()) body.host_authority = child.host_authority.trim().toUpperCase();
    try {
      const { data } = await post('/api/v1/children', body);
      onAdded(data);
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        setFields(error.status === 422 ? fieldMessages(error, labels) : { given_name: error.message });
      }
    }
  }

  const labels = { given_name: 'given name', family_name: 'family name', date_of_birth: 'date of birth',
    responsible_authority: 'responsible authority', host_authority: 'host authority' };
  const errors = summaryOf(fields, { given_name: 'given_name', family_name: 'family_name', date_of_birth: 'date_of_birth-day',
    sex: 'sex', looked_after: 'looked_after', responsible_authority: 'responsible_authority', host_authority: 'host_authority' });
  return html`<${BackLink} href="/report" onClick=${onBack}>Back to the search<//>
    <${ErrorSummary} errors=${errors} />
    <${Heading} caption="Report a child missing">Add the child<//>
    <form novalidate onSubmit=${submit}>
      <${TextInput} id="given_name" label="Given name" value=${child.given_name} onInput=${set('given_name')} error=${fields.given_name} autocomplete="off" />
      <${TextInput} id="family_name" label="Family name" value=${child.family_name} onInput=${set('family_name')} error=${fields.family_name} autocomplete="off" />
      <${DateTimeInput} id="date_of_birth" legend="Date of birth" time=${false} value=${born} onChange=${setBorn} error=${fields.date_of_birth} />
      <${Radios} id="sex" legend="Sex" inline=${true} value=${child.sex} onChange=${set('sex')} error=${fields.sex}
        items=${[{ value: 'female', label: 'Female' }, { value: 'male', label: 'Male' }, { value: 'other', label: 'Other' }, { value: 'unknown', label: 'Not known' }]} />
      <${Radios} id="looked_after" legend="Is the child looked after by a council?" inline=${true} value=${child.looked_after}
        onChange=${set('looked_after')} error=${fields.looked_after}
        items=${[{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }]} />
      <${TextInput} id="responsible_authority" label="Responsible council’s code" hint=${partners.length
        ? `The council that looks after the child or where they live. Your force works with ${partners.map((o) => `${o.code} (${o.name})`).join(', ')}`
        : 'The council that looks after the child or where they live, for example DEMO-NORTH'}
        value=${child.responsible_authority} onInput=${set('responsible_authority')} error=${fields.responsible_authority} width="10" autocomplete="off" />
      <${TextInput} id="host_authority" label="Host council’s code (if placed in another council’s area)" hint="Leave empty if the same"
        value=${child.host_authority} onInput=${set('host_authority')} error=${fields.host_authority} width="10" autocomplete="off" />
      <${Button} id="save-child">Add the child and continue<//>
    </form>`;
}

const riskItems = [
  { value: 'high', label: 'High', hint: 'Immediate risk of serious harm' },
  { value: 'medium', label: 'Medium', hint: 'Likely to be a danger to themselves or others' },
  { value: 'low', label: 'Low', hint: 'No apparent risk of harm' },
];

function ReportDetails({ child, onChangeChild }) {
  const [form, setForm] = useState({ last_seen_location: '', circumstances: '', risk_level: '', missing_or_away: '', police_reference: '' });
  const [seen, setSeen] = useState({ ...nowParts(), time: '' });
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);
  const key = useRef(newKey());
  const set = (name) => (value) => setForm({ ...form, [name]: value });

  async function submit(event) {
    event.preventDefault();
    const at = partsToValue(seen, { what: 'last sighting' });
    const problems = {};
    if (at.error) problems.last_seen_at = at.error;
    if (!form.risk_level) problems.risk_level = 'Select the risk grade';
    if (!form.missing_or_away) problems.missing_or_away = 'Select whether the child is missing or away';
    if (Object.keys(problems).length) {
      setFields(problems);
      return;
    }
    setBusy(true);
    try {
      const { data } = await post('/api/v1/episodes', {
        child_id: child.id,
        last_seen_at: at.value,
        last_seen_location: form.last_seen_location.trim(),
        circumstances: form.circumstances.trim(),
        risk_level: form.risk_level,
        police_reference: form.police_reference.trim(),
        missing_or_away: form.missing_or_away,
      }, { headers: { 'Idempotency-Key': key.current } });
      setFlash('success', 'Reported', `${childName(child)} has been reported ${form.missing_or_away}. The council has been told.`);
      navigate(`/episodes/${data.id}`);
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        setFields(error.status === 422 ? fieldMessages(error, labels) : { last_seen_at: error.message });
      }
    } finally {
      setBusy(false);
    }
  }

  const labels = { last_seen_at: 'the last sighting', last_seen_location: 'where last seen', circumstances: 'circumstances',
    risk_level: 'risk grade', missing_or_away: 'missing or away', police_reference: 'police reference' };
  const errors = summaryOf(fields, { last_seen_at: 'last_seen_at-day', last_seen_location: 'last_seen_location',
    circumstances: 'circumstances', risk_level: 'risk_level', missing_or_away: 'missing_or_away', police_reference: 'police_reference' });
  return html`<${ErrorSummary} errors=${errors} />
    <${Heading} caption="Report a child missing">${childName(child)}<//>
    <${SummaryList} rows=${[
      ['Date of birth', day(child.date_of_birth)],
      ['Responsible council', child.responsible_authority],
      ['Host council', child.host_authority],
      ['Looked after', child.looked_after ? 'Yes' : 'No'],
    ]} />
    <p class="govuk-body"><button type="button" class="govuk-button govuk-button--secondary" onClick=${onChangeChild}>Choose another child</button></p>
    <form novalidate onSubmit=${submit}>
      <${DateTimeInput} id="last_seen_at" legend="When were they last seen?" value=${seen} onChange=${setSeen} error=${fields.last_seen_at} />
      <${TextInput} id="last_seen_location" label="Where were they last seen?" value=${form.last_seen_location}
        onInput=${set('last_seen_location')} error=${fields.last_seen_location} autocomplete="off" labelClass="govuk-label govuk-label--s" />
      <${Textarea} id="circumstances" label="Circumstances" hint="What happened, who they may be with, anything that raises the risk"
        value=${form.circumstances} onInput=${set('circumstances')} error=${fields.circumstances} rows="3" />
      <${Radios} id="risk_level" legend="Risk grade" value=${form.risk_level} onChange=${set('risk_level')} error=${fields.risk_level} items=${riskItems} />
      <${Radios} id="missing_or_away" legend="Missing or away?" value=${form.missing_or_away} onChange=${set('missing_or_away')}
        error=${fields.missing_or_away} items=${[
          { value: 'missing', label: 'Missing', hint: 'Whereabouts not known' },
          { value: 'away', label: 'Away', hint: 'Absent from the placement without permission, whereabouts known' },
        ]} />
      <${TextInput} id="police_reference" label="Police reference" value=${form.police_reference} onInput=${set('police_reference')}
        error=${fields.police_reference} width="10" autocomplete="off" spellcheck="false" labelClass="govuk-label govuk-label--s" />
      <${Button} id="submit-report" disabled=${busy}>Report the child missing<//>
    </form>`;
}

export function Report() {
  const [stage, setStage] = useState({ name: 'find' });
  if (stage.name === 'add') {
    return html`<${AddChild} name=${stage.search} dob=${stage.dob} onAdded=${(child) => setStage({ name: 'details', child })}
      onBack=${(e) => { e.preventDefault(); setStage({ name: 'find' }); }} />`;
  }
  if (stage.name === 'details') {
    return html`<${ReportDetails} child=${stage.child} onChangeChild=${() => setStage({ name: 'find' })} />`;
  }
  return html`<${FindChild} onFound=${(child) => setStage({ name: 'details', child })}
    onAdd=${(search, dob) => setStage({ name: 'add', search, dob })} />`;
}
