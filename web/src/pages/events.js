// One form per event. Each is sent with If-Match: the version of the episode the user saw.
// 412: someone else changed the episode; the user is told and sees it as it is now.
// 409: the episode's state does not allow this now; said in words with what may be done.
// 422: the fields in error, in the error summary and beside each field.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get } from '../api.js';
import {
  BackLink, Button, Checkboxes, DateTimeInput, ErrorSummary, Heading, Loading, Radios, Select, SummaryList, TextInput, Textarea, html,
} from '../components.js';
import { emptyParts, fieldMessages, nowParts, partsToValue, sendEvent, summaryOf } from '../form.js';
import { navigate, searchParam } from '../router.js';
import { setFlash, state } from '../state.js';
import { actionTypes, childName, conflictInWords, events, riskNames, riskOrder, when } from '../words.js';
import { loadWorkers } from '../workers.js';
import { safeReturn } from './child.js';
import { loadEpisode } from './episode.js';

const yesNo = [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }];

// Field state and sending for one form. `anchors`: field → element id, in the form's order.
function useEventForm({ id, loaded, path, labels, anchors, success: successText }) {
  const [fields, setFields] = useState({});
  const [conflict, setConflict] = useState(null);
  const [busy, setBusy] = useState(false);

  // A page that sent the user here (the manager's team page) may ask to get them back after.
  const back = safeReturn(searchParam('return'));
  async function send(body, clientErrors = {}, success = successText) {
    if (Object.keys(clientErrors).length) {
      setConflict(null);
      setFields(clientErrors);
      return;
    }
    setBusy(true);
    try {
      await sendEvent(id, path, body, loaded.etag);
      state.episodes.delete(id);
      setFlash('success', 'Done', success);
      navigate(back ?? `/episodes/${id}`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401) return;
      if (error.status === 412) {
        state.episodes.delete(id);
        setFlash('important', 'Someone else changed this episode',
          'While you were on this form, someone else changed this episode, so what you entered was not saved. ' +
          'This is the episode as it is now: check it, then do it again if it is still needed.');
        navigate(`/episodes/${id}`, { replace: true });
        return;
      }
      if (error.status === 409) {
        setFields({});
        setConflict(`You cannot do this now. ${conflictInWords(error.problem)}`);
      } else if (error.status === 422) {
        setConflict(null);
        setFields(fieldMessages(error, labels));
      } else {
        setFields({});
        setConflict(error.message);
      }
    } finally {
      setBusy(false);
    }
  }

  const errors = [
    ...(conflict ? [{ message: conflict }] : []),
    ...summaryOf(fields, anchors),
  ];
  return { fields, send, busy, errors };
}

function Time({ id, legend, value, onChange, error, hint }) {
  return html`<${DateTimeInput} id=${id} legend=${legend} value=${value} onChange=${onChange} error=${error} hint=${hint} />`;
}

function timeOf(parts, what, field, problems) {
  const result = partsToValue(parts, { what });
  if (result.error) problems[field] = result.error;
  return result.value;
}

function required(value, field, message, problems) {
  if (!String(value ?? '').trim()) problems[field] = message;
  return String(value ?? '').trim();
}

function Shell({ episode, id, event, errors, children, title }) {
  const back = safeReturn(searchParam('return'));
  return html`<${BackLink} href=${back ?? `/episodes/${id}`}>${back ? 'Back' : 'Back to the episode'}<//>
    <${ErrorSummary} errors=${errors} />
    <${Heading} caption=${childName(episode.child)}>${title ?? events[event]?.action ?? event}<//>
    ${children}`;
}

// ---- police

function RiskForm({ id, loaded }) {
  const [risk, setRisk] = useState(loaded.episode.risk_level);
  const [reason, setReason] = useState('');
  const form = useEventForm({ id, loaded, path: 'risk', labels: { risk_level: 'risk grade', reason: 'reason' },
    anchors: { risk_level: 'risk_level', reason: 'reason' }, success: `The risk grade is now ${risk}.` });
  function submit(e) {
    e.preventDefault();
    const problems = {};
    const body = { risk_level: risk, reason: required(reason, 'reason', 'Enter why the risk grade changes', problems) };
    form.send(body, problems);
  }
  return html`<${Shell} episode=${loaded.episode} id=${id} event="risk" errors=${form.errors}>
    <form novalidate onSubmit=${submit}>
      <${Radios} id="risk_level" legend="New risk grade" value=${risk} onChange=${setRisk} error=${form.fields.risk_level}
        items=${['high', 'medium', 'low'].map((r) => ({ value: r, label: riskNames[r] }))} />
      <${Textarea} id="reason" label="Why it changes" value=${reason} onInput=${setReason} error=${form.fields.reason} />
      <${Button} disabled=${form.busy}>Change the risk grade<//>
    </form><//>`;
}

function ReturnForm({ id, loaded }) {
  const [at, setAt] = useState(nowParts());
  const [v, setV] = useState({ found_location: '', returned_to: '', found_by: '' });
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const form = useEventForm({ id, loaded, path: 'return',
    labels: { returned_at: 'the time of return', found_location: 'where found', returned_to: 'returned to', found_by: 'found by' },
    anchors: { returned_at: 'returned_at-day', found_location: 'found_location', returned_to: 'returned_to', found_by: 'found_by' },
    success: 'The return is recorded. The council has been told and the interview clocks have started.' });
  function submit(e) {
    e.preventDefault();
    const p = {};
    const body = {
      returned_at: timeOf(at, 'return', 'returned_at', p),
      found_location: required(v.found_location, 'found_location', 'Enter where the child was found', p),
      returned_to: required(v.returned_to, 'returned_to', 'Enter where the child returned to', p),
    };
    if (v.found_by.trim()) body.found_by = v.found_by.trim();
    form.send(body, p);
  }
  return html`<${Shell} episode=${loaded.episode} id=${id} event="return" errors=${form.errors}>
    <form novalidate onSubmit=${submit}>
      <${Time} id="returned_at" legend="When did the child return or get found?" value=${at} onChange=${setAt} error=${form.fields.returned_at} />
      <${TextInput} id="found_location" label="Where were they found?" value=${v.found_location} onInput=${set('found_location')} error=${form.fields.found_location} />
      <${TextInput} id="returned_to" label="Where did they return to?" hint="For example, their carer’s home" value=${v.returned_to} onInput=${set('returned_to')} error=${form.fields.returned_to} />
      <${TextInput} id="found_by" label="Who found them? (optional)" value=${v.found_by} onInput=${set('found_by')} error=${form.fields.found_by} />
      <${Button} disabled=${form.busy}>Record the return<//>
    </form><//>`;
}

function SafeAndWellForm({ id, loaded }) {
  const [at, setAt] = useState(nowParts());
  const [notes, setNotes] = useState('');
  const [concerns, setConcerns] = useState('');
  const form = useEventForm({ id, loaded, path: 'safe-and-well',
    labels: { conducted_at: 'the time of the check', notes: 'notes', concerns: 'concerns' },
    anchors: { conducted_at: 'conducted_at-day', notes: 'notes', concerns: 'concerns' },
    success: 'The safe and well check is recorded.' });
  function submit(e) {
    e.preventDefault();
    const p = {};
    form.send({
      conducted_at: timeOf(at, 'check', 'conducted_at', p),
      notes: required(notes, 'notes', 'Enter what the check found', p),
      concerns: concerns.trim() || 'None',
    }, p);
  }
  return html`<${Shell} episode=${loaded.episode} id=${id} event="safe-and-well" errors=${form.errors}>
    <form novalidate onSubmit=${submit}>
      <${Time} id="conducted_at" legend="When was the check done?" value=${at} onChange=${setAt} error=${form.fields.conducted_at} />
      <${Textarea} id="notes" label="What the check found" value=${notes} onInput=${setNotes} error=${form.fields.notes} />
      <${Textarea} id="concerns" label="Concerns (optional)" hint="Anything the council should know" value=${concerns} onInput=${setConcerns} error=${form.fields.concerns} />
      <${Button} disabled=${form.busy}>Record the check<//>
    </form><//>`;
}

function CancelForm({ id, loaded }) {
  return html`<${ReasonForm} id=${id} loaded=${loaded} event="cancel" field="reason" label="Why is the report cancelled?"
    hint="For example, reported in error or a duplicate" button="Cancel the report" warning=${true}
    success="The report is cancelled." />`;
}

// ---- social work

function AssignForm(props) {
  return state.session.user.role === 'manager' ? html`<${ManagerAssignForm} ...${props} />` : html`<${TakeForm} ...${props} />`;
}

function TakeForm({ id, loaded }) {
  const form = useEventForm({ id, loaded, path: 'assign', labels: {}, anchors: {},
    success: 'You hold this episode now, and its clocks are in your work.' });
  function submit(e) {
    e.preventDefault();
    form.send({ worker_id: state.session.user.id });
  }
  return html`<${Shell} episode=${loaded.episode} id=${id} event="assign" errors=${form.errors}>
    <p class="govuk-body">You will hold this episode: its interview clocks and actions show in your work.</p>
    <form novalidate onSubmit=${submit}><${Button} disabled=${form.busy}>Take this episode<//></form><//>`;
}

// A manager gives the episode (and its social work clocks) to a worker, or moves it to another.
function ManagerAssignForm({ id, loaded }) {
  const [workers, setWorkers] = useState(null);
  const [failure, setFailure] = useState(null);
  const [worker, setWorker] = useState('');
  const current = loaded.episode.assigned_worker_id;
  const form = useEventForm({ id, loaded, path: 'assign', labels: { worker_id: 'the worker' },
    anchors: { worker_id: 'worker_id' }, success: 'The episode is assigned.' });
  useEffect(() => {
    loadWorkers().then(setWorkers).catch((error) => error.status !== 401 && setFailure(error.message));
  }, []);
  const holder = current && workers?.find((w) => w.id === current);
  const title = current ? 'Reassign the episode' : 'Assign the episode';
  function submit(e) {
    e.preventDefault();
    const chosen = workers.find((w) => w.id === worker);
    if (!chosen) {
      form.send(null, { worker_id: 'Select who will hold the episode' });
      return;
    }
    form.send({ worker_id: chosen.id }, {}, `${chosen.id === state.session.user.id ? 'You hold' : `${chosen.username} holds`} this episode now, with its clocks.`);
  }
  if (failure) return html`<${Shell} episode=${loaded.episode} id=${id} event="assign" errors=${[]} title=${title}><p class="govuk-body">${failure}</p><//>`;
  if (!workers) return html`<${Loading} />`;
  const me = state.session.user.id;
  const choices = workers.filter((w) => w.id !== current).map((w) => ({
    value: w.id,
    label: w.id === me ? `You (${w.username})` : w.username,
    hint: w.team ? `Team: ${w.team}` : undefined,
  }));
  return html`<${Shell} episode=${loaded.episode} id=${id} event="assign" errors=${form.errors} title=${title}>
    <p class="govuk-body" id="current-holder">${current
      ? `${holder ? (holder.id === me ? 'You hold' : `${holder.username} holds`) : 'A worker holds'} this episode now. The worker you choose takes it over with its clocks.`
      : 'Nobody holds this episode yet. The worker you choose holds it and its clocks.'}</p>
    <form novalidate onSubmit=${submit}>
      <${Radios} id="worker_id" legend="Who will hold it?" value=${worker} onChange=${setWorker} error=${form.fields.worker_id}
        items=${choices} legendClass="govuk-fieldset__legend--m" />
      <${Button} disabled=${form.busy} id="assign-submit">${current ? 'Reassign' : 'Assign'}<//>
    </form><//>`;
}

function OfferForm({ id, loaded }) {
  const [offered, setOffered] = useState(nowParts());
  const [scheduled, setScheduled] = useState(emptyParts());
  const [independent, setIndependent] = useState('');
  const form = useEventForm({ id, loaded, path: 'interview-offer',
    labels: { offered_at: 'the time of the offer', scheduled_for: 'the interview time', independent: 'independent' },
    anchors: { offered_at: 'offered_at-day', scheduled_for: 'scheduled_for-day', independent: 'independent' },
    success: 'The return interview is offered.' });
  function submit(e) {
    e.preventDefault();
    const p = {};
    const body = {
      offered_at: timeOf(offered, 'offer', 'offered_at', p),
      scheduled_for: timeOf(scheduled, 'interview', 'scheduled_for', p),
      independent: independent === 'yes',
    };
    if (!independent) p.independent = 'Select whether the interviewer is independent of the child’s case work';
    form.send(body, p);
  }
  return html`<${Shell} episode=${loaded.episode} id=${id} event="interview-offer" errors=${form.errors}>
    <form novalidate onSubmit=${submit}>
      <${Time} id="offered_at" legend="When was the interview offered?" value=${offered} onChange=${setOffered} error=${form.fields.offered_at} />
      <${Time} id="scheduled_for" legend="When will the interview be?" value=${scheduled} onChange=${setScheduled} error=${form.fields.scheduled_for} />
      <${Radios} id="independent" legend="Is the interviewer independent of the child’s case work?" inline=${true}
        items=${yesNo} value=${independent} onChange=${setIndependent} error=${form.fields.independent} />
      <${Button} disabled=${form.busy}>Offer the interview<//>
    </form><//>`;
}

const pushFactors = ['Conflict at home', 'Placement problems', 'Bullying', 'Abuse', 'Boredom', 'Other'];
const pullFactors = ['Friends', 'A partner', 'Older adults', 'Gifts', 'Drugs or alcohol', 'Other'];
const categories = [
  ['warning_sign', 'Warning signs'],
  ['vulnerability', 'Vulnerability factors'],
  ['behavioural', 'Behavioural risk indicators'],
];

function suggestedFor(score, bands) {
  let level = 'none';
  for (const band of [...bands].sort((a, b) => a.min_score - b.min_score)) {
    if (score >= band.min_score) level = band.level;
  }
  return level;
}

function InterviewForm({ id, loaded }) {
  const [catalogue, setCatalogue] = useState(null);
  const [at, setAt] = useState(nowParts());
  const [v, setV] = useState({ location: '', where_stayed: '', with_whom: '', harm_disclosed: '', harm_details: '',
    cse_risk: '', risk_rationale: '', child_views: '', police_intelligence: '' });
  const [push, setPush] = useState(new Set());
  const [pull, setPull] = useState(new Set());
  const [ticked, setTicked] = useState(new Set());
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const toggle = (setter, current) => (value, on) => {
    const next = new Set(current);
    on ? next.add(value) : next.delete(value);
    setter(next);
  };
  useEffect(() => {
    get('/api/v1/indicators').then((r) => setCatalogue(r.data)).catch(() => {});
  }, []);
  const score = useMemo(() => (catalogue?.indicators ?? [])
    .filter((i) => ticked.has(i.code)).reduce((sum, i) => sum + i.weight, 0), [catalogue, ticked]);
  const suggested = catalogue ? suggestedFor(score, catalogue.bands) : 'none';
  const lower = v.cse_risk && riskOrder.indexOf(v.cse_risk) < riskOrder.indexOf(suggested);
  const labels = { conducted_at: 'the time of the interview', location: 'where the interview was held', where_stayed: 'where the child stayed',
    with_whom: 'who the child was with', harm_disclosed: 'harm disclosed', harm_details: 'the harm disclosed', indicators: 'indicators',
    cse_risk: 'the CSE risk', risk_rationale: 'the reason for a lower risk', child_views: 'the child’s views', police_intelligence: 'intelligence for police' };
  const form = useEventForm({ id, loaded, path: 'interview', labels,
    anchors: { conducted_at: 'conducted_at-day', location: 'location', where_stayed: 'where_stayed', with_whom: 'with_whom',
      push_factors: 'push_factors', pull_factors: 'pull_factors', harm_disclosed: 'harm_disclosed', harm_details: 'harm_details',
      indicators: 'indicator-warning_sign', cse_risk: 'cse_risk', risk_rationale: 'risk_rationale', child_views: 'child_views',
      police_intelligence: 'police_intelligence' },
    success: 'The return interview is recorded.' });
  function submit(e) {
    e.preventDefault();
    const p = {};
    const body = {
      conducted_at: timeOf(at, 'interview', 'conducted_at', p),
      location: required(v.location, 'location', 'Enter where the interview was held', p),
      where_stayed: required(v.where_stayed, 'where_stayed', 'Enter where the child stayed', p),
      with_whom: required(v.with_whom, 'with_whom', 'Enter who the child was with', p),
      push_factors: [...push].map((x) => x.toLowerCase()),
      pull_factors: [...pull].map((x) => x.toLowerCase()),
      harm_disclosed: v.harm_disclosed === 'yes',
      indicators: [...ticked],
      cse_risk: v.cse_risk,
      child_views: required(v.child_views, 'child_views', 'Enter the child’s views and wishes', p),
      police_intelligence: v.police_intelligence.trim() || null,
    };
    if (!v.harm_disclosed) p.harm_disclosed = 'Select whether the child disclosed harm';
    if (v.harm_disclosed === 'yes') body.harm_details = required(v.harm_details, 'harm_details', 'Enter the harm the child disclosed', p);
    if (!v.cse_risk) p.cse_risk = 'Select your judgement of the CSE risk';
    if (lower) {
      body.risk_rationale = required(v.risk_rationale, 'risk_rationale',
        `Enter why the risk is lower than the ${suggested} risk the indicators suggest`, p);
    }
    form.send(body, p);
  }
  if (!catalogue) return html`<${Loading} />`;
  return html`<${Shell} episode=${loaded.episode} id=${id} event="interview" errors=${form.errors}>
    <form novalidate onSubmit=${submit}>
      <${Time} id="conducted_at" legend="When was the interview held?" value=${at} onChange=${setAt} error=${form.fields.conducted_at} />
      <${TextInput} id="location" label="Where was it held?" value=${v.location} onInput=${set('location')} error=${form.fields.location} labelClass="govuk-label govuk-label--s" />
      <${Textarea} id="where_stayed" label="Where did the child stay?" value=${v.where_stayed} onInput=${set('where_stayed')} error=${form.fields.where_stayed} rows="2" />
      <${Textarea} id="with_whom" label="Who were they with?" value=${v.with_whom} onInput=${set('with_whom')} error=${form.fields.with_whom} rows="2" />
      <${Checkboxes} id="push_factors" legend="What drove them away?" hint="Select all that apply" small=${true}
        items=${pushFactors.map((x) => ({ value: x, label: x }))} values=${push} onToggle=${toggle(setPush, push)} error=${form.fields.push_factors} />
      <${Checkboxes} id="pull_factors" legend="What drew them away?" hint="Select all that apply" small=${true}
        items=${pullFactors.map((x) => ({ value: x, label: x }))} values=${pull} onToggle=${toggle(setPull, pull)} error=${form.fields.pull_factors} />
      <${Radios} id="harm_disclosed" legend="Did the child disclose harm?" inline=${true} items=${yesNo}
        value=${v.harm_disclosed} onChange=${set('harm_disclosed')} error=${form.fields.harm_disclosed} />
      ${v.harm_disclosed === 'yes' && html`<${Textarea} id="harm_details" label="What harm did they disclose?" value=${v.harm_details}
        onInput=${set('harm_details')} error=${form.fields.harm_details} />`}
      <h2 class="govuk-heading-m">CSE indicators observed</h2>
      <p class="govuk-body">Tick each indicator you observed. The score and the suggested risk change as you tick.</p>
      ${categories.map(([category, title]) => html`<${Checkboxes} key=${category} id=${`indicator-${category}`} name="indicators"
        legend=${title} small=${true} error=${category === 'warning_sign' ? form.fields.indicators : undefined}
        items=${catalogue.indicators.filter((i) => i.category === category).map((i) => ({ value: i.code, label: i.label, hint: `Weight ${i.weight}` }))}
        values=${ticked} onToggle=${toggle(setTicked, ticked)} />`)}
      <div class="govuk-inset-text" aria-live="polite" id="indicator-score">
        <span class="hw-score">Score ${score}</span>: the suggested CSE risk is <strong id="suggested-risk">${riskNames[suggested].toLowerCase()}</strong>.
      </div>
      <${Radios} id="cse_risk" legend="Your judgement of the CSE risk" hint=${`The indicators suggest ${riskNames[suggested].toLowerCase()}.`}
        value=${v.cse_risk} onChange=${set('cse_risk')} error=${form.fields.cse_risk}
        items=${riskOrder.map((r) => ({ value: r, label: riskNames[r] }))} />
      ${lower && html`<${Textarea} id="risk_rationale" label="Why is the risk lower than suggested?"
        hint=${`Required: your judgement is lower than the ${suggested} risk the indicators suggest.`}
        value=${v.risk_rationale} onInput=${set('risk_rationale')} error=${form.fields.risk_rationale} />`}
      <${Textarea} id="child_views" label="The child’s views and wishes" value=${v.child_views} onInput=${set('child_views')} error=${form.fields.child_views} />
      <${Textarea} id="police_intelligence" label="Intelligence to share with police (optional)" hint="Police see this section, not the child’s own account"
        value=${v.police_intelligence} onInput=${set('police_intelligence')} error=${form.fields.police_intelligence} />
      <${Button} disabled=${form.busy}>Record the interview<//>
    </form><//>`;
}

function DeclinedForm({ id, loaded }) {
  const [at, setAt] = useState(nowParts());
  const [v, setV] = useState({ reason: '', attempts: '', carers_account: '' });
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const form = useEventForm({ id, loaded, path: 'interview-declined',
    labels: { declined_at: 'the time the child declined', reason: 'the reason', attempts: 'the attempts', carers_account: 'the carers’ account' },
    anchors: { declined_at: 'declined_at-day', reason: 'reason', attempts: 'attempts', carers_account: 'carers_account' },
    success: 'The child’s refusal is recorded. Follow-up still goes on.' });
  function submit(e) {
    e.preventDefault();
    const p = {};
    form.send({
      declined_at: timeOf(at, 'refusal', 'declined_at', p),
      reason: required(v.reason, 'reason', 'Enter the reason the child gave', p),
      attempts: v.attempts.trim() || null,
      carers_account: required(v.carers_account, 'carers_account', 'Enter what the carers know about the time missing', p),
    }, p);
  }
  return html`<${Shell} episode=${loaded.episode} id=${id} event="interview-declined" errors=${form.errors}>
    <p class="govuk-body">Declining is the child’s right. Record why, the attempts made, and what the carers know.</p>
    <form novalidate onSubmit=${submit}>
      <${Time} id="declined_at" legend="When did the child decline?" value=${at} onChange=${setAt} error=${form.fields.declined_at} />
      <${Textarea} id="reason" label="The reason they gave" value=${v.reason} onInput=${set('reason')} error=${form.fields.reason} />
      <${Textarea} id="attempts" label="Attempts made (optional)" value=${v.attempts} onInput=${set('attempts')} error=${form.fields.attempts} />
      <${Textarea} id="carers_account" label="The carers’ account" hint="What the carers know about where the child was and with whom"
        value=${v.carers_account} onInput=${set('carers_account')} error=${form.fields.carers_account} />
      <${Button} disabled=${form.busy}>Record that the child declined<//>
    </form><//>`;
}

function ActionForm({ id, loaded }) {
  const me = state.session.user;
  const assigned = loaded.episode.assigned_worker_id;
  const owners = [{ value: me.id, label: `You (${me.username})` }];
  if (assigned && assigned !== me.id) owners.push({ value: assigned, label: 'The social worker who holds the episode' });
  const [v, setV] = useState({ type: 'safety_plan', description: '', owner_id: me.id });
  const [due, setDue] = useState({ ...emptyParts(), time: '17:00' });
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const form = useEventForm({ id, loaded, path: 'actions',
    labels: { type: 'the kind of action', description: 'the description', owner_id: 'the owner', due_at: 'the due date' },
    anchors: { type: 'type', description: 'description', owner_id: 'owner_id', due_at: 'due_at-day' },
    success: 'The follow-up action is added.' });
  function submit(e) {
    e.preventDefault();
    const p = {};
    form.send({
      type: v.type,
      description: required(v.description, 'description', 'Describe the action', p),
      owner_id: v.owner_id,
      due_at: timeOf(due, 'due date', 'due_at', p),
    }, p);
  }
  return html`<${Shell} episode=${loaded.episode} id=${id} event="actions" errors=${form.errors}>
    <form novalidate onSubmit=${submit}>
      <${Select} id="type" label="Kind of action" value=${v.type} onChange=${set('type')} error=${form.fields.type}
        items=${Object.entries(actionTypes).map(([value, label]) => ({ value, label }))} />
      <${Textarea} id="description" label="What is to be done" value=${v.description} onInput=${set('description')} error=${form.fields.description} />
      <${Radios} id="owner_id" legend="Who owns it?" value=${v.owner_id} onChange=${set('owner_id')} error=${form.fields.owner_id} items=${owners} />
      <${Time} id="due_at" legend="When is it due?" value=${due} onChange=${setDue} error=${form.fields.due_at} />
      <${Button} disabled=${form.busy}>Add the action<//>
    </form><//>`;
}

function CompleteActionForm({ id, loaded }) {
  const { actionId, action } = targetAction(loaded);
  const [outcome, setOutcome] = useState('');
  const form = useEventForm({ id, loaded, path: `actions/${encodeURIComponent(actionId ?? '')}/complete`,
    labels: { outcome: 'the outcome' }, anchors: { outcome: 'outcome' }, success: 'The action is done.' });
  function submit(e) {
    e.preventDefault();
    const p = {};
    form.send({ outcome: required(outcome, 'outcome', 'Enter the outcome of the action', p) }, p);
  }
  return html`<${Shell} episode=${loaded.episode} id=${id} event="action-complete" errors=${form.errors}
      title=${action ? `Mark done: ${actionTypes[action.type]}` : 'Mark an action done'}>
    ${action && html`<p class="govuk-body">${action.description}</p>`}
    <form novalidate onSubmit=${submit}>
      <${Textarea} id="outcome" label="Outcome" value=${outcome} onInput=${setOutcome} error=${form.fields.outcome} />
      <${Button} disabled=${form.busy}>Mark as done<//>
    </form><//>`;
}

// The open action the page's ?action= names, for the forms that act on one action.
function targetAction(loaded) {
  const actionId = searchParam('action');
  return { actionId, action: (loaded.episode.actions ?? []).find((a) => a.id === actionId) };
}

function CancelActionForm({ id, loaded }) {
  const { actionId, action } = targetAction(loaded);
  const [reason, setReason] = useState('');
  const form = useEventForm({ id, loaded, path: `actions/${encodeURIComponent(actionId ?? '')}/cancel`,
    labels: { reason: 'the reason' }, anchors: { reason: 'reason' }, success: 'The action is cancelled.' });
  function submit(e) {
    e.preventDefault();
    const p = {};
    form.send({ reason: required(reason, 'reason', 'Enter why the action is no longer needed', p) }, p);
  }
  return html`<${Shell} episode=${loaded.episode} id=${id} event="action-cancel" errors=${form.errors}
      title=${action ? `Cancel: ${actionTypes[action.type]}` : 'Cancel an action'}>
    ${action && html`<p class="govuk-body">${action.description}</p>`}
    <form novalidate onSubmit=${submit}>
      <${Textarea} id="reason" label="Why is it no longer needed?" value=${reason} onInput=${setReason} error=${form.fields.reason} />
      <${Button} warning=${true} disabled=${form.busy}>Cancel the action<//>
    </form><//>`;
}

// A manager gives an open action (and its clock) to another worker of their organisation.
function ReassignActionForm({ id, loaded }) {
  const { actionId, action } = targetAction(loaded);
  const [workers, setWorkers] = useState(null);
  const [failure, setFailure] = useState(null);
  const [owner, setOwner] = useState('');
  const form = useEventForm({ id, loaded, path: `actions/${encodeURIComponent(actionId ?? '')}/reassign`,
    labels: { owner_id: 'the new owner' }, anchors: { owner_id: 'owner_id' }, success: 'The action has a new owner, who has been told.' });
  useEffect(() => {
    loadWorkers().then(setWorkers).catch((error) => error.status !== 401 && setFailure(error.message));
  }, []);
  const title = action ? `Give to someone else: ${actionTypes[action.type]}` : 'Give an action to someone else';
  function submit(e) {
    e.preventDefault();
    if (!workers.some((w) => w.id === owner)) {
      form.send(null, { owner_id: 'Select who will own the action' });
      return;
    }
    form.send({ owner_id: owner });
  }
  if (failure) return html`<${Shell} episode=${loaded.episode} id=${id} event="action-reassign" errors=${[]} title=${title}><p class="govuk-body">${failure}</p><//>`;
  if (!workers) return html`<${Loading} />`;
  const me = state.session.user.id;
  const choices = workers.filter((w) => w.id !== action?.owner_id).map((w) => ({
    value: w.id,
    label: w.id === me ? `You (${w.username})` : w.username,
    hint: w.team ? `Team: ${w.team}` : undefined,
  }));
  return html`<${Shell} episode=${loaded.episode} id=${id} event="action-reassign" errors=${form.errors} title=${title}>
    ${action && html`<p class="govuk-body">${action.description}</p>`}
    <form novalidate onSubmit=${submit}>
      <${Radios} id="owner_id" legend="Who will own it?" value=${owner} onChange=${setOwner} error=${form.fields.owner_id}
        items=${choices} legendClass="govuk-fieldset__legend--m" />
      <${Button} disabled=${form.busy}>Give the action to them<//>
    </form><//>`;
}

// A form of one text field: close (summary), sign-off (note), cancel and reopen (reason).
function ReasonForm({ id, loaded, event, field, label, hint, button, success, warning = false, intro }) {
  const [text, setText] = useState('');
  const form = useEventForm({ id, loaded, path: event, labels: { [field]: label.toLowerCase() }, anchors: { [field]: field }, success });
  function submit(e) {
    e.preventDefault();
    const p = {};
    form.send({ [field]: required(text, field, `Enter ${label.toLowerCase().replace(/\?$/, '')}`, p) }, p);
  }
  return html`<${Shell} episode=${loaded.episode} id=${id} event=${event} errors=${form.errors}>
    ${intro && intro(loaded.episode)}
    <form novalidate onSubmit=${submit}>
      <${Textarea} id=${field} label=${label} hint=${hint} value=${text} onInput=${setText} error=${form.fields[field]} />
      <${Button} warning=${warning} disabled=${form.busy}>${button}<//>
    </form><//>`;
}

const forms = {
  risk: RiskForm,
  return: ReturnForm,
  'safe-and-well': SafeAndWellForm,
  cancel: CancelForm,
  assign: AssignForm,
  'interview-offer': OfferForm,
  interview: InterviewForm,
  'interview-declined': DeclinedForm,
  actions: ActionForm,
  'complete-action': CompleteActionForm,
  'cancel-action': CancelActionForm,
  'reassign-action': ReassignActionForm,
  close: (p) => html`<${ReasonForm} ...${p} event="close" field="summary" label="Summary" hint="How the episode ends, and the plan that keeps the child safe"
    button="Close the episode" success="The episode is closed." />`,
  'sign-off': (p) => html`<${ReasonForm} ...${p} event="sign-off" field="note" label="Your note" intro=${signOffContext}
    hint="What you checked and why the plan keeps the child safe" button="Sign off" success="The episode is signed off: social work can close it once every action is done." />`,
  reopen: (p) => html`<${ReasonForm} ...${p} event="reopen" field="reason" label="Why is it reopened?" button="Reopen the episode" success="The episode is reopened." />`,
};

// What the champion signs off: the risk found, how it was judged, and what follow-up is in hand.
function signOffContext(episode) {
  const interview = episode.interview ?? {};
  const actions = episode.actions ?? [];
  const open = actions.filter((a) => a.status === 'open').length;
  return html`<p class="govuk-body">Signing off says you have reviewed this episode. Its CSE risk is medium or high, so social work cannot close it until you do.</p>
    <${SummaryList} rows=${[
      ['CSE risk', interview.cse_risk ? riskNames[interview.cse_risk] : null],
      ['Suggested by the indicators', interview.suggested_cse_risk ? `${riskNames[interview.suggested_cse_risk]} (score ${interview.indicator_score})` : null],
      ['Why lower than suggested', interview.risk_rationale],
      ['Interview', interview.conducted_at ? `${interview.outcome === 'declined' ? 'Declined' : 'Held'} ${when(interview.conducted_at)}` : null],
      ['Follow-up actions', actions.length ? `${actions.length} raised, ${open} still open` : 'None raised'],
    ]} />
    <p class="govuk-body"><a class="govuk-link" href=${`/episodes/${episode.id}`}>Read the whole episode</a> before you sign off.</p>`;
}

export function EventPage({ id, event }) {
  const [loaded, setLoaded] = useState(state.episodes.get(id) ?? null);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    if (!loaded) {
      loadEpisode(id).then(setLoaded).catch((error) => error.status !== 401 && setFailure(error.message));
    }
  }, [id]);
  const Form = forms[event];
  if (!Form) return html`<${Heading}>Page not found<//><p class="govuk-body">There is no such form.</p>`;
  if (failure) return html`<${Heading}>Episode not found<//><p class="govuk-body">${failure}</p>`;
  if (!loaded) return html`<${Loading} />`;
  return html`<${Form} id=${id} loaded=${loaded} />`;
}
