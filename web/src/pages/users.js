// Administrators' pages for the accounts of their own organisation: the list, adding an account,
// and one account's page (role and team, deactivate or reactivate, unlock, reset the password).
// A new account and a reset password get a temporary password, shown here once: the user must
// change it when they first sign in with it.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, patch, post, query } from '../api.js';
import {
  BackLink, Banner, Button, ErrorSummary, Heading, LinkButton, Loading, Radios, Select, SummaryList, Tag, TextInput, html,
} from '../components.js';
import { fieldMessages, summaryOf } from '../form.js';
import { navigate, searchParam } from '../router.js';
import { setFlash, state } from '../state.js';
import { deploymentAdmin, useOrganisations } from './admin.js';
import { roleNames, when } from '../words.js';
import { Flash } from './work.js';

// The roles an account of this kind of organisation may have: police belong to a police force,
// every other role but admin to a council.
const rolesByKind = {
  police: ['police', 'admin'],
  local_authority: ['social_worker', 'manager', 'cse_champion', 'data_protection_officer', 'admin'],
};

function roleItems(kind) {
  return (rolesByKind[kind] ?? Object.keys(roleNames)).map((value) => ({ value, label: roleNames[value] ?? value }));
}

// The kind (police force or council) of the organisation of this code, for the roles it may have.
function kindOf(organisations, code) {
  return organisations?.find((o) => o.code === code)?.kind ?? 'local_authority';
}

// A deployment-wide admin chooses whose accounts: every organisation's, or one's.
function OrganisationChoice({ organisations, value, onChange, allowAll, error }) {
  if (!organisations) return null;
  const items = organisations.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }));
  return html`<${Select} id="organisation" label="Organisation" value=${value} onChange=${onChange} error=${error}
    items=${allowAll ? [{ value: '', label: 'Every organisation' }, ...items] : items} />`;
}

const locked = (u) => Boolean(u.locked_until && new Date(u.locked_until) > new Date());

function StatusTags({ user }) {
  return html`${!user.active && html`<${Tag} colour="govuk-tag--grey">Deactivated<//> `}
    ${locked(user) && html`<${Tag} colour="govuk-tag--red">Locked<//> `}
    ${user.password_change_required && html`<${Tag} colour="govuk-tag--yellow">Must change password<//>`}`;
}

export function Users() {
  const [users, setUsers] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [failure, setFailure] = useState(null);
  const everywhere = deploymentAdmin();
  const { organisations } = useOrganisations();
  // A deployment-wide admin's choice, kept in the address: one organisation's accounts, or ''
  // for every organisation's; an organisation's admin always sees their own.
  const own = state.session?.user.organisation;
  const whose = everywhere ? (searchParam('organisation') ?? own) : own;
  const [choice, setChoice] = useState(whose);

  async function load(after) {
    try {
      const { data } = await get(`/api/v1/users${query({ limit: 100, cursor: after, organisation: whose })}`);
      setUsers((before) => [...(after ? before ?? [] : []), ...data.items]);
      setCursor(data.next_cursor);
    } catch (error) {
      if (error.status !== 401) setFailure(error.message);
    }
  }
  useEffect(() => {
    load(null);
  }, []);

  return html`<${Flash} />
    <${Heading} caption=${whose || 'Every organisation'}>Accounts<//>
    <p class="govuk-body">Everyone who signs in to Homeward for ${everywhere ? 'the organisation chosen' : 'your organisation'}. Changes are recorded in the audit trail.</p>
    ${everywhere && html`<form novalidate class="hw-filter" id="choose-organisation"
      onSubmit=${(event) => {
        event.preventDefault();
        navigate(choice === own ? '/admin/users' : `/admin/users?organisation=${encodeURIComponent(choice)}`);
      }}>
      <${OrganisationChoice} organisations=${organisations} value=${choice} onChange=${setChoice} allowAll=${true} />
      <${Button} secondary=${true} id="show-accounts">Show<//>
    </form>`}
    <${LinkButton} href=${`/admin/users/new${everywhere && whose ? query({ organisation: whose }) : ''}`}>Add an account<//>
    ${failure && html`<p class="govuk-body">${failure}</p>`}
    ${!users && !failure && html`<${Loading} />`}
    ${users && html`<table class="govuk-table" id="users">
      <caption class="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Accounts of ${whose || 'every organisation'}</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Username</th>
        ${!whose && html`<th scope="col" class="govuk-table__header">Organisation</th>`}
        <th scope="col" class="govuk-table__header">Role</th>
        <th scope="col" class="govuk-table__header">Team</th>
        <th scope="col" class="govuk-table__header">Status</th>
      </tr></thead>
      <tbody class="govuk-table__body">
        ${users.map((u) => html`<tr class="govuk-table__row" key=${u.id} data-user=${u.username}>
          <td class="govuk-table__cell"><a class="govuk-link" href=${`/admin/users/${encodeURIComponent(u.id)}`}>${u.username}</a></td>
          ${!whose && html`<td class="govuk-table__cell">${u.organisation}</td>`}
          <td class="govuk-table__cell">${roleNames[u.role] ?? u.role}</td>
          <td class="govuk-table__cell">${u.team?.name ?? 'None'}</td>
          <td class="govuk-table__cell">${u.active && !locked(u) && !u.password_change_required ? 'Active' : html`<${StatusTags} user=${u} />`}</td>
        </tr>`)}
      </tbody>
    </table>
    ${cursor && html`<button type="button" class="govuk-button govuk-button--secondary" onClick=${() => load(cursor)}>Show more accounts</button>`}`}`;
}

// The temporary password, shown once, with what to do with it.
function TemporaryPassword({ user, password, title }) {
  return html`<${Banner} type="success" title=${title}>
    <p class="govuk-notification-banner__heading">Give ${user.username} this temporary password. It is shown only now.</p>
    <p class="govuk-body"><code class="hw-code" id="temporary-password">${password}</code></p>
    <p class="govuk-body">They must choose their own password when they first sign in with it.</p>
  <//>`;
}

export function NewUser() {
  const { organisations } = useOrganisations();
  const everywhere = deploymentAdmin();
  const [organisation, setOrganisation] = useState((everywhere && searchParam('organisation')) || state.session?.user.organisation);
  const kind = organisations ? kindOf(organisations, organisation) : null;
  const [username, setUsername] = useState('');
  const [role, setRole] = useState('');
  const [team, setTeam] = useState('');
  const [email, setEmail] = useState('');
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState(null);

  async function submit(event) {
    event.preventDefault();
    const problems = {};
    if (!username.trim()) problems.username = 'Enter a username';
    else if (/\s/.test(username.trim())) problems.username = 'A username cannot contain spaces';
    if (!role) problems.role = 'Choose the role';
    if (email.trim() && !/^[^\s@<>,;]+@[^\s@<>,;]+$/.test(email.trim())) {
      problems.email = 'Enter an email address in the correct format, like name@example.com';
    }
    setFields(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const body = { username: username.trim(), role };
      if (everywhere && organisation !== state.session?.user.organisation) body.organisation = organisation;
      if (team.trim()) body.team = team.trim();
      if (email.trim()) body.email = email.trim();
      const { data } = await post('/api/v1/users', body);
      setMade(data);
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        setFields(error.status === 422 ? fieldMessages(error, { username: 'username', role: 'role', team: 'team', email: 'email address' })
          : { username: error.message });
      }
    } finally {
      setBusy(false);
    }
  }

  if (made) {
    return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      <${TemporaryPassword} user=${made} password=${made.temporary_password} title="Account added" />
      <${Heading}>${made.username}<//>
      <${SummaryList} rows=${[['Role', roleNames[made.role] ?? made.role], ['Team', made.team?.name ?? 'None']]} />
      <p class="govuk-body"><a class="govuk-link" href="/admin/users">Back to accounts</a></p>
    </div></div>`;
  }
  if (!kind) return html`<${Loading} />`;
  const errors = summaryOf(fields, { username: 'username', role: 'role', team: 'team', email: 'email' });
  return html`<${BackLink} href="/admin/users">Back to accounts<//>
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${ErrorSummary} errors=${errors} />
    <${Heading} caption=${organisation}>Add an account<//>
    <form novalidate onSubmit=${submit}>
      ${everywhere && html`<${OrganisationChoice} organisations=${organisations} value=${organisation}
        onChange=${(code) => { setOrganisation(code); setRole(''); }} error=${fields.organisation} />`}
      <${TextInput} id="username" label="Username" hint="What they sign in with, without spaces" autocomplete="off" spellcheck="false"
        value=${username} onInput=${setUsername} error=${fields.username} width="20" labelClass="govuk-label govuk-label--s" />
      <${Radios} id="role" legend="Role" value=${role} onChange=${setRole} error=${fields.role} items=${roleItems(kind)} />
      <${TextInput} id="team" label="Team (optional)" hint="The team’s name: a new name makes a new team" autocomplete="off"
        value=${team} onInput=${setTeam} error=${fields.team} width="20" labelClass="govuk-label govuk-label--s" />
      <${TextInput} id="email" label="Email address (optional)" type="email" autocomplete="off" spellcheck="false"
        hint="Where their email alerts go" value=${email} onInput=${setEmail} error=${fields.email} labelClass="govuk-label govuk-label--s" />
      <${Button} disabled=${busy} id="add-user">Add the account<//>
    </form>
    </div></div>`;
}

export function UserPage({ id }) {
  const { organisations } = useOrganisations();
  const [user, setUser] = useState(null);
  const [failure, setFailure] = useState(null);
  const [role, setRole] = useState('');
  const [team, setTeam] = useState('');
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const [reset, setReset] = useState(null);
  const [confirming, setConfirming] = useState(null); // 'deactivate' | 'reset'
  const path = `/api/v1/users/${encodeURIComponent(id)}`;
  const self = id === state.session?.user.id;

  function show(data) {
    setUser(data);
    setRole(data.role);
    setTeam(data.team?.name ?? '');
  }
  useEffect(() => {
    get(path).then(({ data }) => show(data))
      .catch((error) => error.status !== 401 && setFailure(error.status === 404 ? 'There is no such account in your organisation.' : error.message));
  }, [id]);

  async function act(work, done) {
    setBusy(true);
    setNotice(null);
    setReset(null);
    setFields({});
    try {
      const { data } = await work();
      show(data);
      done(data);
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        setFields(error.status === 422 ? fieldMessages(error, { role: 'role', team: 'team', active: 'the account' }) : { role: error.message });
      }
    } finally {
      setBusy(false);
      setConfirming(null);
    }
  }

  function save(event) {
    event.preventDefault();
    const body = { team: team.trim() || null };
    if (!self) body.role = role;
    act(() => patch(path, body), (data) => setNotice(`${data.username} is now ${roleNames[data.role] ?? data.role}${data.team ? ` in ${data.team.name}` : ', in no team'}.`));
  }
  const setActive = (active) => act(() => patch(path, { active }),
    (data) => setNotice(active ? `${data.username} can sign in again.` : `${data.username} can no longer sign in: their sessions have ended.`));
  const unlock = () => act(() => post(`${path}/unlock`), (data) => setNotice(`${data.username} can sign in again now.`));
  const resetPassword = () => act(() => post(`${path}/password-reset`), (data) => setReset(data));

  if (failure) return html`<${Heading}>Account not found<//><p class="govuk-body">${failure}</p>`;
  const kind = user && organisations ? kindOf(organisations, user.organisation) : null;
  if (!user || !kind) return html`<${Loading} />`;
  if (confirming) {
    const deactivate = confirming === 'deactivate';
    return html`<${BackLink} href=${`/admin/users/${encodeURIComponent(id)}`} onClick=${(e) => { e.preventDefault(); setConfirming(null); }}>Back<//>
      <${Heading} caption=${user.username}>${deactivate ? 'Deactivate this account?' : 'Reset the password?'}<//>
      <p class="govuk-body">${deactivate
        ? `${user.username} will be signed out at once and will not be able to sign in until the account is reactivated.`
        : `${user.username}’s password will stop working and they will be signed out at once. You will be shown a temporary password to give them.`}</p>
      <div class="govuk-button-group">
        <${Button} type="button" warning=${true} disabled=${busy} id="confirm"
          onClick=${deactivate ? () => setActive(false) : resetPassword}>${deactivate ? 'Deactivate the account' : 'Reset the password'}<//>
        <a class="govuk-link" href=${`/admin/users/${encodeURIComponent(id)}`} onClick=${(e) => { e.preventDefault(); setConfirming(null); }}>Cancel</a>
      </div>`;
  }
  const errors = summaryOf(fields, { role: 'role', team: 'team' });
  return html`<${BackLink} href="/admin/users">Back to accounts<//>
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${ErrorSummary} errors=${errors} />
    ${notice && html`<${Banner} type="success" title="Saved"><p class="govuk-notification-banner__heading" id="saved">${notice}</p><//>`}
    ${reset && html`<${TemporaryPassword} user=${reset} password=${reset.temporary_password} title="Password reset" />`}
    <${Heading} caption=${user.organisation}>${user.username}<//>
    <${SummaryList} rows=${[
      ['Role', roleNames[user.role] ?? user.role],
      ['Team', user.team?.name ?? 'None'],
      ['Email address', user.email ?? 'None'],
      ['Status', user.active && !locked(user) && !user.password_change_required ? 'Active' : html`<${StatusTags} user=${user} />`],
      ['Locked until', locked(user) ? when(user.locked_until) : null],
    ]} />
    <h2 class="govuk-heading-m">Role and team</h2>
    <form novalidate onSubmit=${save}>
      ${self
        ? html`<p class="govuk-body" id="own-role">You cannot change your own role.</p>`
        : html`<${Radios} id="role" legend="Role" value=${role} onChange=${setRole} error=${fields.role} items=${roleItems(kind)} />`}
      <${TextInput} id="team" label="Team" hint="Leave empty for no team; a new name makes a new team" autocomplete="off"
        value=${team} onInput=${setTeam} error=${fields.team} width="20" labelClass="govuk-label govuk-label--s" />
      <${Button} disabled=${busy} id="save-user">Save role and team<//>
    </form>
    <h2 class="govuk-heading-m">Signing in</h2>
    ${locked(user) && html`<p class="govuk-body">The account is locked after repeated wrong passwords.</p>
      <${Button} type="button" secondary=${true} disabled=${busy} onClick=${unlock} id="unlock">Unlock the account<//>`}
    <p class="govuk-body">A reset gives a temporary password that they must change when they next sign in.</p>
    <${Button} type="button" secondary=${true} disabled=${busy} onClick=${() => setConfirming('reset')} id="reset-password">Reset the password<//>
    ${!self && (user.active
      ? html`<p class="govuk-body">Deactivating signs them out at once and stops them signing in.</p>
        <${Button} type="button" warning=${true} disabled=${busy} onClick=${() => setConfirming('deactivate')} id="deactivate">Deactivate the account<//>`
      : html`<p class="govuk-body">The account is deactivated: its user cannot sign in.</p>
        <${Button} type="button" secondary=${true} disabled=${busy} onClick=${() => setActive(true)} id="reactivate">Reactivate the account<//>`)}
    </div></div>`;
}

// Signed in with a temporary password: the only page until the user chooses their own.
export function ChangePassword({ onChanged }) {
  const [current, setCurrent] = useState('');
  const [chosen, setChosen] = useState('');
  const [again, setAgain] = useState('');
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    const problems = {};
    if (!current) problems.current_password = 'Enter the temporary password you signed in with';
    if (chosen.length < 12) problems.password = 'Enter a new password of at least 12 characters';
    else if (chosen !== again) problems.password_again = 'Enter the same new password twice';
    setFields(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      await patch('/api/v1/me', { current_password: current, password: chosen });
      setFlash('success', 'Password changed', 'Your new password is the one to sign in with from now on.');
      onChanged();
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) {
        setFields(error.status === 422 ? fieldMessages(error, { current_password: 'the password you signed in with', password: 'the new password' })
          : { password: error.message });
      }
    } finally {
      setBusy(false);
    }
  }

  const errors = summaryOf(fields, { current_password: 'current_password', password: 'password', password_again: 'password_again' });
  return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    <${ErrorSummary} errors=${errors} />
    <${Heading}>Choose your password<//>
    <p class="govuk-body">You signed in with a temporary password from an administrator. Choose your own before you carry on.</p>
    <form novalidate onSubmit=${submit}>
      <${TextInput} id="current_password" label="Temporary password" type="password" autocomplete="current-password"
        value=${current} onInput=${setCurrent} error=${fields.current_password} width="20" labelClass="govuk-label govuk-label--s" />
      <${TextInput} id="password" label="New password" type="password" autocomplete="new-password" hint="At least 12 characters"
        value=${chosen} onInput=${setChosen} error=${fields.password} width="20" labelClass="govuk-label govuk-label--s" />
      <${TextInput} id="password_again" label="New password again" type="password" autocomplete="new-password"
        value=${again} onInput=${setAgain} error=${fields.password_again} width="20" labelClass="govuk-label govuk-label--s" />
      <${Button} disabled=${busy} id="change-password">Change my password<//>
    </form>
  </div></div>`;
}
