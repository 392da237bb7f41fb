// The user's own account: who they are, their email alerts (an address, on or off), and two-step
// sign-in (two_factor.js).
// One API request to show it (GET /api/v1/me), one to change it (PATCH /api/v1/me).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, patch } from '../api.js';
import { Banner, Button, ErrorSummary, Heading, Loading, Radios, SummaryList, TextInput, html } from '../components.js';
import { fieldMessages, summaryOf } from '../form.js';
import { hasCaseWork, loadMe, state } from '../state.js';
import { roleNames } from '../words.js';
import { TwoStepSignIn } from './two_factor.js';

export function Account() {
  const [me, setMe] = useState(null);
  const [failure, setFailure] = useState(null);
  const [email, setEmail] = useState('');
  const [alerts, setAlerts] = useState('');
  const [fields, setFields] = useState({});
  const [saved, setSaved] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    loadMe({ fresh: true }).then((data) => {
      setMe(data);
      setEmail(data.email ?? '');
      setAlerts(data.email_alerts ? 'on' : 'off');
    }).catch((error) => error.status !== 401 && setFailure(error.message));
  }, []);

  async function submit(event) {
    event.preventDefault();
    setSaved(null);
    const address = email.trim();
    const problems = {};
    if (address && !/^[^\s@<>,;]+@[^\s@<>,;]+$/.test(address)) {
      problems.email = 'Enter an email address in the correct format, like name@example.com';
    }
    if (alerts === 'on' && !address) problems.email = 'Enter your email address to get email alerts';
    setFields(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const { data } = await patch('/api/v1/me', { email: address || null, email_alerts: alerts === 'on' });
      state.me = data;
      setMe(data);
      setSaved(!data.email ? 'You will not get email alerts: no email address is set.'
        : data.email_alerts ? `Email alerts will go to ${data.email}.` : 'Email alerts are off.');
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        setFields(error.status === 422 ? fieldMessages(error, { email: 'email address', email_alerts: 'email alerts' })
          : { email: error.message });
      }
    } finally {
      setBusy(false);
    }
  }

  if (failure) return html`<${Heading}>Your account<//><p class="govuk-body">${failure}</p>`;
  if (!me) return html`<${Loading} />`;
  const errors = summaryOf(fields, { email: 'email', email_alerts: 'email_alerts' });
  return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${ErrorSummary} errors=${errors} />
    ${saved && html`<${Banner} type="success" title="Saved"><p class="govuk-notification-banner__heading" id="saved">${saved}</p><//>`}
    <${Heading}>Your account<//>
    <${SummaryList} rows=${[
      ['Username', me.username],
      ['Role', roleNames[me.role] ?? me.role],
      ['Organisation', me.organisation],
      ['Team', me.team?.name ?? 'None'],
    ]} />
    ${hasCaseWork()
      ? html`<h2 class="govuk-heading-m">Email alerts</h2>
        <p class="govuk-body">An email tells you when a notification reaches you in Homeward, so you hear about work that is due when you are away from the screen.</p>
        <p class="govuk-body">To keep children safe, an email never names a child, a place or anything written about them: it says only the kind of work, how late it is, and gives a link into Homeward, where you sign in to see it.</p>
        <form novalidate onSubmit=${submit}>
          <${TextInput} id="email" label="Email address" type="email" autocomplete="email" spellcheck="false"
            hint="Your work address. Leave it empty to have none." value=${email} onInput=${setEmail} error=${fields.email}
            labelClass="govuk-label govuk-label--s" />
          <${Radios} id="email_alerts" legend="Send me email alerts?" value=${alerts} onChange=${setAlerts} error=${fields.email_alerts}
            items=${[{ value: 'on', label: 'Yes, email me each notification' }, { value: 'off', label: 'No, I will check Homeward' }]} />
          <${Button} disabled=${busy} id="save-account">Save<//>
        </form>`
      : html`<p class="govuk-body">Your role gets no notifications, so there are no email alerts to set.</p>`}
    <${TwoStepSignIn} enrolled=${me.two_factor} />
  </div></div>`;
}
