// Two-step sign-in (POST /api/v1/session/totp): set it up with an authenticator app (the server's
// QR code, shown as an image, and the secret to type by hand), confirm with a code, then the
// recovery codes, shown once. The account page shows it as a section; a session that must enrol
// (HOMEWARD_TWO_FACTOR=required) is shown it as a page of its own before anything else.
import { useState } from 'preact/hooks';
import { ApiError, post } from '../api.js';
import { Button, ErrorSummary, TextInput, html } from '../components.js';
import { summaryOf } from '../form.js';

const codeHint = 'The 6-digit code your authenticator app shows for Homeward';

function problemOf(error) {
  if (!(error instanceof ApiError) || error.status === 401) throw error;
  if (error.status === 422) return error.fields.totp ? 'Enter the current code from your app' : error.message;
  return error.message;
}

// `enrolled`: the user has two-step sign-in on; `required`: the deployment requires it (it cannot
// be turned off); `onEnrolled`: called once the recovery codes have been kept; `page`: shown as a
// page of its own (a heading of level 1) rather than a section of the account page.
export function TwoStepSignIn({ enrolled, required = false, onEnrolled, page = false }) {
  const [offer, setOffer] = useState(null); // {secret, otpauth_uri, qr_svg}
  const [codes, setCodes] = useState(null);
  const [code, setCode] = useState('');
  const [current, setCurrent] = useState('');
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);
  const [on, setOn] = useState(enrolled);
  const [done, setDone] = useState(null);

  async function run(action, body, field) {
    setFields({});
    setBusy(true);
    try {
      const { data } = await post('/api/v1/session/totp', { action, ...body });
      return { ok: true, data };
    } catch (error) {
      setFields({ [field]: problemOf(error) });
      return { ok: false };
    } finally {
      setBusy(false);
    }
  }

  async function enrol(event) {
    event.preventDefault();
    setDone(null);
    if (on && !/^\d{6}$/.test(current.trim())) {
      setFields({ current_code: 'Enter the 6-digit code your app shows now' });
      return;
    }
    const answer = await run('enrol', on ? { totp: current.trim() } : {}, on ? 'current_code' : 'enrol');
    if (answer.ok) {
      setOffer(answer.data);
      setCurrent('');
    }
  }

  async function confirm(event) {
    event.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      setFields({ totp: 'Enter the 6-digit code your app shows' });
      return;
    }
    const answer = await run('confirm', { totp: code.trim() }, 'totp');
    if (answer.ok) {
      setCodes(answer.data.recovery_codes);
      setOffer(null);
      setCode('');
      setOn(true);
    }
  }

  async function turnOff(event) {
    event.preventDefault();
    if (!/^\d{6}$/.test(current.trim())) {
      setFields({ current_code: 'Enter the 6-digit code your app shows now' });
      return;
    }
    const answer = await run('disable', { totp: current.trim() }, 'current_code');
    if (answer.ok) {
      setCurrent('');
      setOn(false);
      setDone('Two-step sign-in is off: you sign in with your password alone. Your recovery codes no longer work.');
    }
  }

  const H = page ? 'h1' : 'h2';
  const headingClass = page ? 'govuk-heading-l' : 'govuk-heading-m';
  const errors = summaryOf(fields, { enrol: 'enrol-two-step', current_code: 'current_code', totp: 'totp' });

  if (codes) {
    return html`<section aria-labelledby="two-step-heading">
      <${H} class=${headingClass} id="two-step-heading">Keep your recovery codes<//>
      <p class="govuk-body">Two-step sign-in is on. Each of these codes signs you in once in place of a code from your app, if you lose your phone. Keep them somewhere safe, away from your phone: they are shown only now.</p>
      <ul class="govuk-list govuk-list--bullet" id="recovery-codes">
        ${codes.map((c) => html`<li><code>${c}</code></li>`)}
      </ul>
      <${Button} type="button" id="kept-codes" onClick=${() => {
        setCodes(null);
        setDone('Two-step sign-in is on. Sign in with your password and a code from your app from now on.');
        onEnrolled?.();
      }}>I have kept my recovery codes<//>
    </section>`;
  }

  if (offer) {
    const image = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(offer.qr_svg)}`;
    return html`<section aria-labelledby="two-step-heading">
      <${ErrorSummary} errors=${errors} />
      <${H} class=${headingClass} id="two-step-heading">Set up two-step sign-in<//>
      <ol class="govuk-list govuk-list--number">
        <li>Open an authenticator app on your phone (for example Microsoft Authenticator or Google Authenticator) and add an account.</li>
        <li>Scan this QR code with the app.</li>
      </ol>
      <img src=${image} alt="QR code for your authenticator app" width="200" height="200" id="two-step-qr" />
      <p class="govuk-body">If you cannot scan it, type this key into the app instead (time-based):</p>
      <p class="govuk-body"><code id="two-step-secret">${offer.secret.replace(/(.{4})/g, '$1 ').trim()}</code></p>
      <form novalidate onSubmit=${confirm}>
        <${TextInput} id="totp" label="Code from your app" hint=${codeHint} autocomplete="one-time-code"
          inputmode="numeric" spellcheck="false" value=${code} onInput=${setCode} error=${fields.totp} width="5"
          labelClass="govuk-label govuk-label--s" />
        <${Button} disabled=${busy} id="confirm-two-step">Turn on two-step sign-in<//>
      </form>
    </section>`;
  }

  return html`<section aria-labelledby="two-step-heading">
    <${ErrorSummary} errors=${errors} />
    <${H} class=${headingClass} id="two-step-heading">Two-step sign-in<//>
    ${done && html`<p class="govuk-body" id="two-step-done">${done}</p>`}
    ${on
      ? html`<p class="govuk-body" id="two-step-status">Two-step sign-in is on: you sign in with your password and a code from your authenticator app.</p>
        <form novalidate onSubmit=${enrol}>
          <${TextInput} id="current_code" label="Code from your app now" hint="To set it up on a new phone, or to turn it off"
            autocomplete="one-time-code" inputmode="numeric" spellcheck="false" value=${current} onInput=${setCurrent}
            error=${fields.current_code} width="5" labelClass="govuk-label govuk-label--s" />
          <div class="govuk-button-group">
            <${Button} disabled=${busy} secondary=${true} id="enrol-two-step">Set up on a new phone<//>
            ${!required && html`<${Button} type="button" warning=${true} disabled=${busy} id="disable-two-step"
              onClick=${turnOff}>Turn off two-step sign-in<//>`}
          </div>
        </form>`
      : html`<p class="govuk-body" id="two-step-status">${required
        ? 'Your organisation requires two-step sign-in: as well as your password, you give a code from an authenticator app on your phone each time you sign in. Set it up before you carry on.'
        : 'Two-step sign-in is off. With it on, you give a code from an authenticator app on your phone as well as your password each time you sign in, so that a stolen password is not enough to sign in as you.'}</p>
        ${fields.enrol && html`<p class="govuk-error-message" id="enrol-error">${fields.enrol}</p>`}
        <form novalidate onSubmit=${enrol}>
          <${Button} disabled=${busy} id="enrol-two-step">Set up two-step sign-in<//>
        </form>`}
  </section>`;
}

export function EnrolFirst({ onEnrolled }) {
  return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${TwoStepSignIn} enrolled=${false} required=${true} page=${true} onEnrolled=${onEnrolled} />
  </div></div>`;
}
