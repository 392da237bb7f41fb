import { useState } from 'preact/hooks';
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
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);
  const reason = searchParam('reason');
  const why = whyInWords(reason, Number(searchParam('idle')) || undefined);

  async function submit(event) {
    event.preventDefault();
    const missing = {};
    if (!username.trim()) missing.username = 'Enter your username';
    if (!password) missing.password = 'Enter your password';
    if (Object.keys(missing).length) {
      setFields(missing);
      return;
    }
    setBusy(true);
    try {
      const { data } = await post('/api/v1/session', { username: username.trim(), password }, { quiet401: true });
      state.session = data;
      onSignedIn(data);
      navigate(safeReturn(searchParam('return')) ?? homeFor(data), { replace: true });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 401) {
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

  const errors = summaryOf(fields, { username: 'username', password: 'password' });
  return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${ErrorSummary} errors=${errors} />
    ${why && html`<${Banner} title="Signed out"><p class="govuk-notification-banner__heading">${why}</p><//>`}
    <${Heading}>Sign in to Homeward<//>
    <form novalidate onSubmit=${submit}>
      <${TextInput} id="username" label="Username" autocomplete="username" spellcheck="false"
        value=${username} onInput=${setUsername} error=${fields.username} width="20" />
      <${TextInput} id="password" label="Password" type="password" autocomplete="current-password"
        value=${password} onInput=${setPassword} error=${fields.password} width="20" />
      <${Button} disabled=${busy}>Sign in<//>
    </form>
  </div></div>`;
}
