// Administrators' pages: organisations (adding one, renaming it, and which councils a police
// force works with) and their webhooks, and the webhook messages that died (the dead-letter
// list) with a way to send each again. Admins see no case content: a message
// is shown by its kind, organisation, times and the receiver's answers, never its body.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, patch, post, put, query, remove } from '../api.js';
import {
  BackLink, Banner, Button, Checkboxes, ErrorSummary, Heading, LinkButton, Loading, Radios, Select, SummaryList, Tag,
  TextInput, html,
} from '../components.js';
import { fieldMessages, summaryOf } from '../form.js';
import { navigate, searchParam } from '../router.js';
import { setFlash, state } from '../state.js';
import { organisationKinds, topicInWords, when } from '../words.js';
import { Flash } from './work.js';

// A deployment-wide admin manages every organisation; an organisation's admin, their own.
export const deploymentAdmin = () => Boolean(state.session?.user.deployment_admin);
const manages = (code) => deploymentAdmin() || code === state.session?.user.organisation;

export function useOrganisations() {
  const [organisations, setOrganisations] = useState(null);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    get('/api/v1/organisations').then(({ data }) => setOrganisations(data.items))
      .catch((error) => error.status !== 401 && setFailure(error.message));
  }, []);
  return { organisations, failure };
}

export function Organisations() {
  const { organisations, failure } = useOrganisations();
  return html`<${Flash} />
    <${Heading}>Organisations<//>
    <p class="govuk-body">Each organisation’s own system can be sent every notification of theirs by webhook: a signed HTTPS request.
      ${deploymentAdmin() ? 'You manage every organisation.' : 'You manage your own organisation; an admin of the whole service adds organisations.'}</p>
    ${deploymentAdmin() && html`<${LinkButton} href="/admin/organisations/new">Add an organisation<//>`}
    ${failure && html`<p class="govuk-body">${failure}</p>`}
    ${!organisations && !failure && html`<${Loading} />`}
    ${organisations && html`<ul class="hw-work-list" id="organisations">
      ${organisations.map((o) => html`<li class="hw-work-list__item" key=${o.code}>
        <h2 class="govuk-heading-s govuk-!-margin-bottom-1">${o.name} <span class="hw-secondary">${o.code}</span></h2>
        <p class="govuk-body-s govuk-!-margin-bottom-1">${organisationKinds[o.kind] ?? o.kind}${o.works_with?.length
          ? ` · works with ${o.works_with.map((w) => w.code).join(', ')}` : ''}</p>
        <p class="govuk-body-s govuk-!-margin-bottom-1">
          ${o.webhook?.configured
            ? html`<${Tag} colour="govuk-tag--green">Webhook on<//> <span class="hw-break">${o.webhook.url}</span>${o.webhook.updated_at ? ` · set ${when(o.webhook.updated_at)}` : ''}`
            : html`<${Tag} colour="govuk-tag--grey">No webhook<//>`}
        </p>
        ${manages(o.code) && html`<p class="govuk-body-s govuk-!-margin-bottom-0">
          <a class="govuk-link" href=${`/admin/organisations/${encodeURIComponent(o.code)}/details`}>${o.kind === 'police' ? 'Rename or choose councils' : 'Rename'}<span class="govuk-visually-hidden"> ${o.name}</span></a>
          ${' · '}<a class="govuk-link" href=${`/admin/organisations/${encodeURIComponent(o.code)}`}>${o.webhook?.configured ? 'Change the webhook' : 'Set up a webhook'}<span class="govuk-visually-hidden"> of ${o.name}</span></a>
          ${' · '}<a class="govuk-link" href=${`/admin/failed-messages${query({ organisation: o.code })}`}>Failed messages<span class="govuk-visually-hidden"> of ${o.name}</span></a>
        </p>`}
      </li>`)}
    </ul>`}`;
}

const organisationLabels = { code: 'the code', name: 'the name', kind: 'the kind', works_with: 'the councils' };

// The councils a police force works with, as checkboxes.
function CouncilChoice({ councils, chosen, setChosen, error }) {
  if (!councils.length) return html`<p class="govuk-body">There are no councils yet.</p>`;
  return html`<${Checkboxes} id="works_with" legend="Councils this force works with" error=${error}
    hint="The force’s officers see these councils as the ones they report to"
    items=${councils.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))} values=${chosen}
    onToggle=${(code, on) => setChosen((before) => {
      const next = new Set(before);
      if (on) next.add(code); else next.delete(code);
      return next;
    })} />`;
}

export function NewOrganisation() {
  const { organisations } = useOrganisations();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState('');
  const [chosen, setChosen] = useState(new Set());
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    const problems = {};
    if (!/^[A-Z0-9][A-Z0-9_-]{1,31}$/.test(code.trim().toUpperCase())) {
      problems.code = 'Enter a code of 2 to 32 letters, digits, - and _, for example NORTH-POLICE';
    }
    if (!name.trim()) problems.name = 'Enter the organisation’s name';
    if (!kind) problems.kind = 'Choose whether it is a police force or a council';
    setFields(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const body = { code: code.trim().toUpperCase(), name: name.trim(), kind };
      if (kind === 'police') body.works_with = [...chosen];
      const { data } = await post('/api/v1/organisations', body);
      setFlash('success', 'Organisation added', `${data.name} (${data.code}) is added.`);
      navigate('/admin');
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        setFields(error.status === 422 ? fieldMessages(error, organisationLabels) : { code: error.message });
      }
    } finally {
      setBusy(false);
    }
  }

  if (!organisations) return html`<${Loading} />`;
  const errors = summaryOf(fields, { code: 'code', name: 'name', kind: 'kind', works_with: 'works_with' });
  return html`<${BackLink} href="/admin">Back to organisations<//>
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${ErrorSummary} errors=${errors} />
    <${Heading}>Add an organisation<//>
    <form novalidate onSubmit=${submit}>
      <${TextInput} id="code" label="Code" hint="2 to 32 capital letters, digits, - and _; it cannot be changed later" autocomplete="off"
        spellcheck="false" value=${code} onInput=${setCode} error=${fields.code} width="10" labelClass="govuk-label govuk-label--s" />
      <${TextInput} id="name" label="Name" autocomplete="off" value=${name} onInput=${setName} error=${fields.name}
        labelClass="govuk-label govuk-label--s" />
      <${Radios} id="kind" legend="Kind" value=${kind} onChange=${setKind} error=${fields.kind}
        items=${[{ value: 'police', label: organisationKinds.police }, { value: 'local_authority', label: organisationKinds.local_authority }]} />
      ${kind === 'police' && html`<${CouncilChoice} councils=${organisations.filter((o) => o.kind === 'local_authority')}
        chosen=${chosen} setChosen=${setChosen} error=${fields.works_with} />`}
      <${Button} disabled=${busy} id="add-organisation">Add the organisation<//>
    </form>
    </div></div>`;
}

export function OrganisationDetails({ code }) {
  const { organisations, failure } = useOrganisations();
  const [name, setName] = useState(null);
  const [chosen, setChosen] = useState(new Set());
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);
  const organisation = organisations?.find((o) => o.code === code);
  useEffect(() => {
    if (!organisation) return;
    setName(organisation.name);
    setChosen(new Set(organisation.works_with.map((w) => w.code)));
  }, [organisation?.code]);

  async function submit(event) {
    event.preventDefault();
    if (!name.trim()) {
      setFields({ name: 'Enter the organisation’s name' });
      return;
    }
    setFields({});
    setBusy(true);
    try {
      const body = { name: name.trim() };
      if (organisation.kind === 'police') body.works_with = [...chosen];
      const { data } = await patch(`/api/v1/organisations/${encodeURIComponent(code)}`, body);
      setFlash('success', 'Organisation saved', `${data.name} (${data.code}) is saved${data.kind === 'police'
        ? `: it works with ${data.works_with.length ? data.works_with.map((w) => w.code).join(', ') : 'no council'}` : ''}.`);
      navigate('/admin');
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        setFields(error.status === 422 ? fieldMessages(error, organisationLabels) : { name: error.message });
      }
    } finally {
      setBusy(false);
    }
  }

  if (failure) return html`<${Heading}>Organisation not found<//><p class="govuk-body">${failure}</p>`;
  if (!organisations) return html`<${Loading} />`;
  if (!organisation) return html`<${Heading}>Organisation not found<//><p class="govuk-body">There is no such organisation.</p>`;
  if (name === null) return html`<${Loading} />`;
  const errors = summaryOf(fields, { name: 'name', works_with: 'works_with' });
  return html`<${BackLink} href="/admin">Back to organisations<//>
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${ErrorSummary} errors=${errors} />
    <${Heading} caption=${`${organisationKinds[organisation.kind] ?? organisation.kind} · ${code}`}>${organisation.name}<//>
    <form novalidate onSubmit=${submit}>
      <${TextInput} id="name" label="Name" autocomplete="off" value=${name} onInput=${setName} error=${fields.name}
        labelClass="govuk-label govuk-label--s" />
      ${organisation.kind === 'police'
        ? html`<${CouncilChoice} councils=${organisations.filter((o) => o.kind === 'local_authority')}
          chosen=${chosen} setChosen=${setChosen} error=${fields.works_with} />`
        : html`<p class="govuk-body">Police forces that work with this council: ${organisation.works_with.length
          ? organisation.works_with.map((w) => w.name).join(', ') : 'none yet'}. Choose them on each force’s page.</p>`}
      <${Button} disabled=${busy} id="save-organisation">Save<//>
    </form>
    </div></div>`;
}

function newSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function Webhook({ code }) {
  const [webhook, setWebhook] = useState(null);
  const [failure, setFailure] = useState(null);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const path = `/api/v1/organisations/${encodeURIComponent(code)}/webhook`;
  useEffect(() => {
    get(path).then(({ data }) => {
      setWebhook(data);
      setUrl(data.url ?? '');
    }).catch((error) => error.status !== 401 && setFailure(error.status === 404 ? 'There is no such organisation.' : error.message));
  }, [code]);

  async function save(event) {
    event.preventDefault();
    const problems = {};
    if (!/^https:\/\/\S+$/.test(url.trim())) problems.url = 'Enter the receiver’s address, starting https://';
    if (secret.length < 32 || secret.length > 256) problems.secret = 'Enter a secret of 32 to 256 characters, or make a new one';
    setFields(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      await put(path, { url: url.trim(), secret });
      setFlash('success', 'Webhook set', `${code}’s notifications will be sent to ${url.trim()}.`);
      navigate('/admin');
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        setFields(error.status === 422 ? fieldMessages(error, { url: 'the address', secret: 'the secret' }) : { url: error.message });
      }
    } finally {
      setBusy(false);
    }
  }

  async function stop() {
    setBusy(true);
    try {
      await remove(path);
      setFlash('success', 'Webhook removed', `${code}’s notifications are no longer sent to its system.`);
      navigate('/admin');
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) setFields({ url: error.message });
    } finally {
      setBusy(false);
    }
  }

  if (failure) return html`<${Heading}>Organisation not found<//><p class="govuk-body">${failure}</p>`;
  if (!webhook) return html`<${Loading} />`;
  if (confirming) {
    return html`<${BackLink} href=${`/admin/organisations/${encodeURIComponent(code)}`} onClick=${(e) => { e.preventDefault(); setConfirming(false); }}>Back<//>
      <${Heading} caption=${code}>Remove the webhook?<//>
      <p class="govuk-body">Notifications of ${code} will no longer be sent to <span class="hw-break">${webhook.url}</span>. Messages already waiting are not sent.</p>
      <div class="govuk-button-group">
        <${Button} type="button" warning=${true} onClick=${stop} disabled=${busy} id="confirm-remove">Remove the webhook<//>
        <a class="govuk-link" href="/admin">Cancel</a>
      </div>`;
  }
  const errors = summaryOf(fields, { url: 'url', secret: 'secret' });
  return html`<${BackLink} href="/admin">Back to organisations<//>
    <${ErrorSummary} errors=${errors} />
    <${Heading} caption=${code}>${webhook.configured ? 'Change the webhook' : 'Set up a webhook'}<//>
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${SummaryList} rows=${[
      ['Now', webhook.configured ? html`<span class="hw-break">${webhook.url}</span>` : 'No webhook'],
      ['Last changed', webhook.updated_at ? when(webhook.updated_at) : null],
    ]} />
    <form novalidate onSubmit=${save}>
      <${TextInput} id="url" label="Receiver’s address" type="url" hint="Where each notification is sent, for example https://hooks.council.example/homeward"
        value=${url} onInput=${setUrl} error=${fields.url} autocomplete="off" spellcheck="false" labelClass="govuk-label govuk-label--s" />
      <${TextInput} id="secret" label="Signing secret" hint="32 to 256 characters. Give it to the receiver’s owner now: Homeward keeps it only to sign, and never shows it again."
        value=${secret} onInput=${setSecret} error=${fields.secret} autocomplete="off" spellcheck="false" labelClass="govuk-label govuk-label--s" />
      <p class="govuk-body"><button type="button" class="govuk-button govuk-button--secondary" id="new-secret"
        onClick=${() => setSecret(newSecret())}>Make a new secret</button></p>
      <${Button} disabled=${busy} id="save-webhook">Save the webhook<//>
    </form>
    ${webhook.configured && html`<h2 class="govuk-heading-m">Stop sending</h2>
      <${Button} type="button" warning=${true} onClick=${() => setConfirming(true)} id="remove-webhook">Remove the webhook<//>`}
    </div></div>`;
}

function attemptsText(d) {
  if (d.status === 'pending' && d.attempts === 0) return 'to be sent within a minute';
  const tries = `${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}, last ${lastAnswer(d)}`;
  return d.dead_at && d.status === 'dead' ? `${tries} · gave up ${when(d.dead_at)}` : tries;
}

function lastAnswer(d) {
  if (d.last_status) return `answered ${d.last_status}`;
  if (d.last_error) return d.last_error;
  return 'no answer';
}

export function FailedMessages() {
  const organisation = searchParam('organisation') ?? '';
  const { organisations } = useOrganisations();
  const [items, setItems] = useState(null);
  const [failure, setFailure] = useState(null);
  const [choice, setChoice] = useState(organisation);
  const [replayed, setReplayed] = useState(null);
  const [cursor, setCursor] = useState(null);

  async function load(after) {
    try {
      const { data } = await get(`/api/v1/webhook-deliveries${query({ status: 'dead', organisation, limit: 50, cursor: after })}`);
      setItems((before) => [...(after ? before ?? [] : []), ...data.items]);
      setCursor(data.next_cursor);
    } catch (error) {
      if (error.status !== 401) setFailure(error.message);
    }
  }
  useEffect(() => {
    setItems(null);
    setChoice(organisation);
    load(null);
  }, [organisation]);

  async function replay(d) {
    setReplayed(null);
    try {
      const { data } = await post(`/api/v1/webhook-deliveries/${encodeURIComponent(d.delivery_id)}/replay`);
      setItems((list) => list.map((x) => (x.delivery_id === d.delivery_id ? data : x)));
      setReplayed({ ok: true, text: `The ${topicInWords(d.topic).toLowerCase()} message to ${d.organisation} will be sent again within a minute, under the same delivery id.` });
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        setReplayed({ ok: false, text: error.status === 409 ? 'That message is already waiting to be sent.' : error.message });
      }
    }
  }

  function filter(event) {
    event.preventDefault();
    navigate(`/admin/failed-messages${query({ organisation: choice })}`);
  }

  return html`${replayed && html`<${Banner} key=${replayed.text} type=${replayed.ok ? 'success' : 'important'} title=${replayed.ok ? 'Sent again' : 'Not sent again'}>
      <p class="govuk-notification-banner__heading" id="replayed">${replayed.text}</p><//>`}
    <${Heading}>Failed messages<//>
    <p class="govuk-body">Webhook messages that were refused or never answered after every attempt. Fix the receiver, then send each again.</p>
    ${organisations && deploymentAdmin() && html`<form novalidate onSubmit=${filter} class="hw-filter">
      <${Select} id="organisation" label="Organisation" value=${choice} onChange=${setChoice}
        items=${[{ value: '', label: 'All organisations' }, ...organisations.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))]} />
      <${Button} secondary=${true} id="show-failed">Show<//>
    </form>`}
    ${failure && html`<p class="govuk-body">${failure}</p>`}
    ${!items && !failure && html`<${Loading} />`}
    ${items && (items.length
      ? html`<ul class="hw-work-list" id="failed-messages">
        ${items.map((d) => html`<li class="hw-work-list__item" key=${d.delivery_id} data-delivery=${d.delivery_id}>
          <h2 class="govuk-heading-s govuk-!-margin-bottom-1">${topicInWords(d.topic)} <span class="hw-secondary">${d.organisation}</span></h2>
          <p class="govuk-body-s govuk-!-margin-bottom-1">
            ${d.status === 'dead' ? html`<${Tag} colour="govuk-tag--red">Failed<//>` : d.status === 'delivered'
              ? html`<${Tag} colour="govuk-tag--green">Delivered<//>` : html`<${Tag} colour="govuk-tag--yellow">Waiting to be sent<//>`}
            ${' '}${attemptsText(d)}</p>
          <p class="govuk-body-s govuk-!-margin-bottom-1">Raised ${when(d.created_at)}${d.replays ? ` · sent again by an administrator ${d.replays} ${d.replays === 1 ? 'time' : 'times'}` : ''}</p>
          <p class="govuk-body-s govuk-!-margin-bottom-1">Delivery id <code class="hw-code">${d.delivery_id}</code></p>
          ${d.status === 'dead' && html`<button type="button" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
            onClick=${() => replay(d)}>Send again<span class="govuk-visually-hidden">: ${topicInWords(d.topic)} to ${d.organisation}, raised ${when(d.created_at)}</span></button>`}
        </li>`)}
      </ul>
      ${cursor && html`<button type="button" class="govuk-button govuk-button--secondary" onClick=${() => load(cursor)}>Show older messages</button>`}`
      : html`<p class="govuk-body" id="failed-messages">No message has failed${organisation ? ` for ${organisation}` : ''}.</p>`)}`;
}
