// Homeward's web application: one page, served by `homeward serve`, that renders each of the
// application's paths. govuk-frontend's inline js-enabled snippet is replaced by the first line
// here: the Content-Security-Policy allows no inline script.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, get, onSessionEnded } from './api.js';
import { html } from './components.js';
import { currentPath, match, navigate, usePath } from './router.js';
import { forgetUser, hasCaseWork, homeFor, onUnread, refreshUnread, setFlash, state } from './state.js';
import { roleNames } from './words.js';
import { Account } from './pages/account.js';
import {
  FailedMessages, NewOrganisation, OrganisationDetails, Organisations, Webhook,
} from './pages/admin.js';
import { ChangePassword, NewUser, UserPage, Users } from './pages/users.js';
import { Child, ChildForm } from './pages/child.js';
import { GrabSheet, PhotoForm, ProfileForm } from './pages/profile.js';
import { EntityList, EntityPage } from './pages/entities.js';
import { EventPage } from './pages/events.js';
import { Episode } from './pages/episode.js';
import { Figures } from './pages/figures.js';
import { Notifications } from './pages/notifications.js';
import { Oversight } from './pages/oversight.js';
import { AccessLog, DataProtection, LegalHold } from './pages/privacy.js';
import { Report } from './pages/report.js';
import { SignIn } from './pages/sign_in.js';
import { EnrolFirst } from './pages/two_factor.js';
import { TeamWork } from './pages/team.js';
import { MyWork, PoliceWork } from './pages/work.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');

function signInPath(reason, returnTo) {
  const params = new URLSearchParams();
  if (reason && reason !== 'none') params.set('reason', reason);
  if (reason === 'idle' && state.session) params.set('idle', String(state.session.idle_timeout_seconds));
  if (returnTo && !returnTo.startsWith('/sign-in')) params.set('return', returnTo);
  const text = params.toString();
  return `/sign-in${text ? `?${text}` : ''}`;
}

function UnreadLink({ path }) {
  const [count, setCount] = useState(state.unread?.count ?? null);
  useEffect(() => onUnread(setCount), []);
  const current = path.split('?')[0] === '/notifications';
  return html`<a href="/notifications" class="hw-header__link" id="notifications-link" aria-current=${current ? 'page' : undefined}>
    Notifications${count > 0 && html` <span class="hw-count" id="unread-count">${count}</span><span class="govuk-visually-hidden"> unread</span>`}</a>`;
}

function Header({ session, onSignOut, path }) {
  return html`<header class="hw-header">
    <div class="govuk-width-container">
      ${session && html`<div class="hw-header__user">
        <span class="hw-header__who">${session.user.username} · ${roleNames[session.user.role] ?? session.user.role} · ${session.user.organisation}</span>
        <span class="hw-header__links">
          ${hasCaseWork(session) && html`<${UnreadLink} path=${path} />`}
          <a href="/account" class="hw-header__link" id="account-link" aria-current=${path.split('?')[0] === '/account' ? 'page' : undefined}>Your account</a>
          <button type="button" class="hw-header__signout" id="sign-out" onClick=${onSignOut}>Sign out</button>
        </span>
      </div>`}
      <a href="/" class="hw-header__name">Homeward</a>
    </div>
  </header>`;
}

// Each role's own sections; the header holds notifications and the account.
function menuFor(role) {
  switch (role) {
    case 'police': return [['/police', 'Police work'], ['/report', 'Report a child missing'], ['/entities', 'People, places and vehicles']];
    case 'manager': return [['/team', 'Team work'], ['/my-work', 'My work'], ['/figures', 'Figures'], ['/entities', 'People, places and vehicles']];
    case 'cse_champion': return [['/oversight', 'CSE oversight'], ['/my-work', 'My work'], ['/figures', 'Figures'], ['/entities', 'People, places and vehicles']];
    case 'admin': return [['/admin', 'Organisations'], ['/admin/users', 'Accounts'], ['/admin/failed-messages', 'Failed messages']];
    case 'data_protection_officer': return [['/data-protection', 'Data protection']];
    default: return [['/my-work', 'My work']];
  }
}

function Navigation({ session, path }) {
  if (!session) return null;
  const items = menuFor(session.user.role);
  if (!items.length) return null;
  const [pathname] = path.split('?');
  return html`<section aria-label="Menu" class="govuk-service-navigation" data-module="govuk-service-navigation">
    <div class="govuk-width-container"><div class="govuk-service-navigation__container">
      <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
        <ul class="govuk-service-navigation__list" id="navigation">
          ${items.map(([href, label]) => {
            const active = pathname === href;
            return html`<li key=${href} class=${`govuk-service-navigation__item${active ? ' govuk-service-navigation__item--active' : ''}`}>
              <a class="govuk-service-navigation__link" href=${href} aria-current=${active ? 'page' : undefined}>
                ${active ? html`<strong class="govuk-service-navigation__active-fallback">${label}</strong>` : label}</a>
            </li>`;
          })}
        </ul>
      </nav>
    </div></div>
  </section>`;
}

function Redirect({ to }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  return html`<h1 class="govuk-heading-l">Page not found</h1>
    <p class="govuk-body">If you typed the web address, check it is correct.</p>
    <p class="govuk-body"><a class="govuk-link" href="/">Go to your work</a></p>`;
}

const titles = [
  ['/sign-in', 'Sign in'],
  ['/my-work', 'My work'],
  ['/police', 'Police work'],
  ['/report', 'Report a child missing'],
  ['/episodes/:id', 'Episode'],
  ['/episodes/:id/:event', 'Episode'],
  ['/team', 'Team work'],
  ['/oversight', 'CSE oversight'],
  ['/figures', 'Figures'],
  ['/children/:id', 'Child'],
  ['/children/:id/profile', 'Child profile'],
  ['/children/:id/photo', 'Child photograph'],
  ['/children/:id/grab-sheet', 'Grab sheet'],
  ['/children/:id/access', 'Who saw this child’s record'],
  ['/children/:id/legal-hold', 'Legal hold'],
  ['/data-protection', 'Data protection'],
  ['/children/:id/:form', 'Child'],
  ['/entities', 'People, places and vehicles'],
  ['/entities/:id', 'Person, place or vehicle'],
  ['/notifications', 'Notifications'],
  ['/account', 'Your account'],
  ['/admin', 'Organisations'],
  ['/admin/organisations/new', 'Add an organisation'],
  ['/admin/organisations/:code', 'Webhook'],
  ['/admin/organisations/:code/details', 'Organisation'],
  ['/admin/users', 'Accounts'],
  ['/admin/users/new', 'Add an account'],
  ['/admin/users/:id', 'Account'],
  ['/admin/failed-messages', 'Failed messages'],
];

function Page({ path, session, setSession }) {
  if (match('/sign-in', path)) return html`<${SignIn} onSignedIn=${setSession} />`;
  if (!session) return null;
  // Signed in with a temporary password: nothing else until the user chooses their own.
  if (session.password_change_required) {
    return html`<${ChangePassword} onChanged=${() => {
      setSession({ ...session, password_change_required: false });
      navigate(homeFor(session), { replace: true });
    }} />`;
  }
  // HOMEWARD_TWO_FACTOR=required and not yet enrolled: nothing else until two-step sign-in is on.
  if (session.enrolment_required) {
    return html`<${EnrolFirst} onEnrolled=${() => {
      setSession({ ...session, enrolment_required: false });
      navigate(homeFor(session), { replace: true });
    }} />`;
  }
  if (match('/', path)) return html`<${Redirect} to=${homeFor(session)} />`;
  if (match('/my-work', path)) return html`<${MyWork} />`;
  if (match('/police', path)) return html`<${PoliceWork} />`;
  if (match('/report', path)) return html`<${Report} />`;
  let params = match('/episodes/:id', path);
  if (params) return html`<${Episode} key=${params.id} id=${params.id} />`;
  params = match('/episodes/:id/:event', path);
  if (params) return html`<${EventPage} key=${path} id=${params.id} event=${params.event} />`;
  if (match('/team', path)) return html`<${TeamWork} key=${path} />`;
  if (match('/oversight', path)) return html`<${Oversight} />`;
  if (match('/figures', path)) return html`<${Figures} key=${path} />`;
  params = match('/children/:id', path);
  if (params) return html`<${Child} key=${params.id} id=${params.id} />`;
  params = match('/children/:id/:form', path);
  if (params?.form === 'profile') return html`<${ProfileForm} key=${path} id=${params.id} />`;
  if (params?.form === 'photo') return html`<${PhotoForm} key=${path} id=${params.id} />`;
  if (params?.form === 'grab-sheet') return html`<${GrabSheet} key=${path} id=${params.id} />`;
  if (params?.form === 'access') return html`<${AccessLog} key=${path} id=${params.id} />`;
  if (params?.form === 'legal-hold') return html`<${LegalHold} key=${path} id=${params.id} />`;
  if (params) return html`<${ChildForm} key=${path} id=${params.id} form=${params.form} />`;
  if (match('/entities', path)) return html`<${EntityList} key=${path} />`;
  params = match('/entities/:id', path);
  if (params) return html`<${EntityPage} key=${params.id} id=${params.id} />`;
  if (match('/notifications', path)) return html`<${Notifications} />`;
  if (match('/account', path)) return html`<${Account} />`;
  if (match('/data-protection', path)) return html`<${DataProtection} />`;
  if (match('/admin', path)) return html`<${Organisations} />`;
  if (match('/admin/organisations/new', path)) return html`<${NewOrganisation} />`;
  params = match('/admin/organisations/:code/details', path);
  if (params) return html`<${OrganisationDetails} key=${params.code} code=${params.code} />`;
  if (match('/admin/users', path)) return html`<${Users} key=${path} />`;
  if (match('/admin/users/new', path)) return html`<${NewUser} key=${path} />`;
  params = match('/admin/users/:id', path);
  if (params) return html`<${UserPage} key=${params.id} id=${params.id} />`;
  params = match('/admin/organisations/:code', path);
  if (params) return html`<${Webhook} key=${params.code} code=${params.code} />`;
  if (match('/admin/failed-messages', path)) return html`<${FailedMessages} />`;
  return html`<${NotFound} />`;
}

function App() {
  const path = usePath();
  const [session, setSessionState] = useState(undefined); // undefined: not yet known
  const setSession = (value) => {
    state.session = value;
    setSessionState(value);
  };

  useEffect(() => {
    onSessionEnded((reason) => {
      // A page's requests run together: the first 401 leads to sign-in, the others are the same news.
      if (!state.session || currentPath().startsWith('/sign-in')) return;
      const back = signInPath(reason, currentPath());
      forgetUser();
      setSession(null);
      navigate(back, { replace: true });
    });
    get('/api/v1/session', { quiet401: true })
      .then(({ data }) => setSession(data))
      .catch((error) => {
        setSession(null);
        if (!currentPath().startsWith('/sign-in')) {
          navigate(signInPath(error.problem?.reason, currentPath()), { replace: true });
        }
      });
  }, []);

  useEffect(() => {
    const [pathname] = path.split('?');
    const title = titles.find(([pattern]) => match(pattern, pathname))?.[1] ?? 'Homeward';
    document.title = `${title} – Homeward`;
    window.scrollTo(0, 0);
  }, [path]);

  // The unread count: on arriving and on moving between pages (refreshUnread keeps it to one
  // request in 30 seconds), never on a timer.
  useEffect(() => {
    if (session && !path.startsWith('/sign-in')) refreshUnread();
  }, [session, path]);

  async function signOut() {
    try {
      await api('DELETE', '/api/v1/session', { quiet401: true });
    } catch {
      // Signed out already: the page below says so either way.
    }
    forgetUser();
    setSession(null);
    setFlash(null);
    navigate('/sign-in?reason=you_signed_out', { replace: true });
  }

  if (session === undefined) return null;
  return html`<${Header} session=${session} onSignOut=${signOut} path=${path} />
    <${Navigation} session=${session} path=${path} />
    <div class="govuk-width-container">
      <main class="govuk-main-wrapper" id="main-content">
        <${Page} path=${path} session=${session} setSession=${setSession} />
      </main>
    </div>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
