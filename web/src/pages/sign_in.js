import { useEffect, useState } from 'preact/hooks';
import { ApiError, post } from '../api.js';
import { Button, ErrorSummary, Heading, TextInput, Banner, html } from '../components.js';
import { summaryOf } from '../form.js';
import { navigate, searchParam } from '../router.js';
import { homeFor, state } from '../state.js';
import { duration } from '../words.js';

// Why the user is here, from the reason the API gave when the session ended.
function whyInWords(reason, idleSeconds) {
  switch (reason) {
    case 'idle':
      return `You were signed out after ${duration(idleSeconds ?? 1800)} without activity. Sign in again to carry on where you were.`;
    case 'expired':
      return 'You were signed out because your session reached its 12-hour limit. Sign in again to carry on where you were.';
    case 'signed_out':
      return 'Your session was ended. Sign in again to carry on.';
    case 'you_signed_out':
      return 'You have signed out.';
    default:
      return null;
  }
}

// Only a path within the application: never another site.
function safeReturn(target) {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/sign-in')) {
    return null;
  }
  return target;
}

export function SignIn({ onSignedIn }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // Shown once the server says the password was right and a code is needed (totp_required).
  const [needCode, setNeedCode] = useState(false);
  const [code, setCode] = useState('');
  useEffect(() => {
    if (needCode) document.getElementById('totp')?.focus();
  }, [needCode]);
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);
  const reason = searchParam('reason');
  const why = whyInWords(reason, Number(searchParam('idle')) || undefined);

  async function submit(event) {
    event.preventDefault();
    const missing = {};
    if (!username.trim()) missing.username = 'Enter your username';
    if (!password) missing.password = 'Enter your password';
    if (needCode && !code.trim()) missing.totp = 'Enter the code from your authenticator app';
    if (Object.keys(missing).length) {
      setFields(missing);
      return;
    }
    setBusy(true);
    try {
      const body = { username: username.trim(), password };
      if (needCode) body.totp = code.trim();
      const { data } = await post('/api/v1/session', body, { quiet401: true });
      state.session = data;
      onSignedIn(data);
      navigate(safeReturn(searchParam('return')) ?? homeFor(data), { replace: true });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 401 && error.problem.totp_required) {
        // The password was right: the code was missing (first time) or wrong.
        setFields(needCode ? { totp: 'Enter the current code from your app, or one of your recovery codes' } : {});
        setNeedCode(true);
        setCode('');
      } else if (error.status === 401) {
        setFields({ username: 'Enter a correct username and password' });
      } else if (error.status === 429) {
        setFields({ username: error.problem.detail ?? 'Too many attempts: try again later' });
      } else {
        setFields({ username: error.problem.detail ?? 'Signing in failed: try again' });
      }
    } finally {
      setBusy(false);
    }
  }

  const errors = summaryOf(fields, { username: 'username', password: 'password', totp: 'totp' });
  return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${ErrorSummary} errors=${errors} />
    ${why && html`<${Banner} title="Signed out"><p class="govuk-notification-banner__heading">${why}</p><//>`}
    <${Heading}>Sign in to Homeward<//>
    <form novalidate onSubmit=${submit}>
      <${TextInput} id="username" label="Username" autocomplete="username" spellcheck="false"
        value=${username} onInput=${setUsername} error=${fields.username} width="20" />
      <${TextInput} id="password" label="Password" type="password" autocomplete="current-password"
        value=${password} onInput=${setPassword} error=${fields.password} width="20" />
      ${needCode && html`<${TextInput} id="totp" label="Code from your authenticator app"
        hint="You use two-step sign-in: enter the 6-digit code your app shows for Homeward. If you have lost your phone, enter one of your recovery codes."
        autocomplete="one-time-code" spellcheck="false" value=${code} onInput=${setCode} error=${fields.totp} width="10" />`}
      <${Button} disabled=${busy}>Sign in<//>
    </form>
  </div></div>`;
}
