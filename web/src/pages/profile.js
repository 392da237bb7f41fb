// The child's profile (the Philomena Protocol) and photograph: shown on the child's page and, to
// police, on the episode page at once; recorded by social work (the profile form, the photo
// upload); and the one-page "grab sheet" officers print. Requests: GET and PUT
// /api/v1/children/{id}/profile, GET and PUT /api/v1/children/{id}/photo.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, put, upload } from '../api.js';
import {
  BackLink, Button, ErrorSummary, Heading, LinkButton, Loading, SummaryList, TextInput, Textarea, html,
} from '../components.js';
import { fieldMessages, summaryOf } from '../form.js';
import { navigate, searchParam } from '../router.js';
import { setFlash, state } from '../state.js';
import { childName, day, when } from '../words.js';

// The profile's fields, in the order police read them, with their labels and input sizes.
export const profileFields = [
  ['height', 'Height', 'input'],
  ['build', 'Build', 'input'],
  ['hair', 'Hair', 'input'],
  ['eyes', 'Eyes', 'input'],
  ['distinguishing_marks', 'Distinguishing marks', 'text'],
  ['clothing', 'Clothing usually worn', 'text'],
  ['languages', 'Languages', 'input'],
  ['medical_needs', 'Medical needs', 'text'],
  ['medication', 'Medication', 'text'],
  ['phone_numbers', 'Phone numbers', 'input'],
  ['social_media', 'Social media', 'text'],
  ['places', 'Places the child goes', 'text'],
  ['associates', 'Friends and associates', 'text'],
  ['missing_history', 'Previous missing history', 'text'],
];

const childPath = (id) => `/api/v1/children/${encodeURIComponent(id)}`;
export const photoUrl = (id, thumbnail) => `${childPath(id)}/photo${thumbnail ? '?size=thumbnail' : ''}`;
const editors = ['social_worker', 'manager'];

// {profile, etag} once loaded; profile null when the child has none (or the caller may not see it).
export function useProfile(id) {
  const [loaded, setLoaded] = useState(undefined);
  useEffect(() => {
    let live = true;
    get(`${childPath(id)}/profile`)
      .then((reply) => live && setLoaded({ profile: reply.data, etag: reply.etag }))
      .catch((error) => live && error.status !== 401 && setLoaded({ profile: null, etag: null }));
    return () => {
      live = false;
    };
  }, [id]);
  return loaded;
}

// The photograph, or nothing where there is none (the image answers 404).
export function Photo({ id, name, thumbnail = true, className = 'hw-photo' }) {
  const [missing, setMissing] = useState(false);
  if (missing) return html`<p class="govuk-body hw-photo-missing" id="no-photo">No photograph is held.</p>`;
  return html`<img class=${className} id=${thumbnail ? 'photo-thumbnail' : 'photo'} src=${photoUrl(id, thumbnail)}
    alt=${`Photograph of ${name}`} onError=${() => setMissing(true)} />`;
}

export function ProfileRows({ profile }) {
  return html`<${SummaryList} rows=${[
    ...profileFields.map(([field, label]) => [label, profile[field] ?? 'Not known']),
    ['Completed by', `${profile.completed_by}, ${day(profile.completed_on)}`],
    ['Last recorded', `${when(profile.recorded_at)} by ${profile.recorded_by.username} (version ${profile.version})`],
  ]} />`;
}

// On the child's page (social work) and the episode page (everyone who sees the episode).
export function ProfileSection({ id, name, episodeId }) {
  const loaded = useProfile(id);
  const role = state.session?.user.role;
  if (loaded === undefined) return html`<${Loading} />`;
  const { profile } = loaded;
  const grab = `/children/${id}/grab-sheet${episodeId ? `?episode=${episodeId}` : ''}`;
  return html`<section class="hw-profile" id="profile" aria-labelledby="profile-heading">
    <h2 class="govuk-heading-m" id="profile-heading">Profile (Philomena Protocol)</h2>
    <div class="hw-profile__photo"><${Photo} id=${id} name=${name} /></div>
    ${profile
      ? html`${profile.review_due_at && Date.parse(profile.review_due_at) <= Date.now() && html`<div class="govuk-inset-text" id="profile-review-due">
            The profile was due for review ${when(profile.review_due_at)}.</div>`}
          <${ProfileRows} profile=${profile} />`
      : html`<p class="govuk-body" id="no-profile">No profile has been recorded for this child.</p>`}
    <div class="hw-actions" id="profile-actions">
      ${profile && html`<${LinkButton} href=${grab}>Print the grab sheet<//>`}
      ${editors.includes(role) && html`<${LinkButton} href=${`/children/${id}/profile`} secondary=${Boolean(profile)}>
        ${profile ? 'Update the profile' : 'Record the profile'}<//>
        <${LinkButton} href=${`/children/${id}/photo`} secondary=${true}>Upload a photograph<//>`}
    </div>
  </section>`;
}

function useChildRecord(id) {
  const [child, setChild] = useState(null);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    let live = true;
    get(childPath(id)).then((reply) => live && setChild(reply.data)).catch((error) => live && error.status !== 401 &&
      setFailure(error.status === 404 ? 'There is no such child, or they are not yours to see.' : error.message));
    return () => {
      live = false;
    };
  }, [id]);
  return { child, failure };
}

export function ProfileForm({ id }) {
  const { child, failure } = useChildRecord(id);
  const loaded = useProfile(id);
  const [values, setValues] = useState(null);
  const [fields, setFields] = useState({});
  const [conflict, setConflict] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (loaded === undefined || values) return;
    const start = {};
    for (const [field] of profileFields) start[field] = loaded.profile?.[field] ?? '';
    start.completed_by = loaded.profile?.completed_by ?? '';
    start.completed_on = loaded.profile?.completed_on ?? new Date().toISOString().slice(0, 10);
    setValues(start);
  }, [loaded]);
  if (failure) return html`<${Heading}>Child not found<//><p class="govuk-body">${failure}</p>`;
  if (!child || !values) return html`<${Loading} />`;
  const back = `/children/${id}`;
  const set = (field) => (value) => setValues({ ...values, [field]: value });

  async function submit(event) {
    event.preventDefault();
    const problems = {};
    if (!values.completed_by.trim()) problems.completed_by = 'Enter who completed the profile';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.completed_on)) problems.completed_on = 'Enter the day it was completed, for example 2026-03-27';
    setConflict(null);
    setFields(problems);
    if (Object.keys(problems).length) return;
    const body = {};
    for (const [field, value] of Object.entries(values)) {
      if (value.trim()) body[field] = value.trim();
    }
    setBusy(true);
    try {
      await put(`${childPath(id)}/profile`, body, { etag: loaded.etag });
      setFlash('success', 'Done', 'The profile is recorded.');
      navigate(back);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401) return;
      if (error.status === 422) {
        const labels = Object.fromEntries(profileFields.map(([f, l]) => [f, l.toLowerCase()]));
        setFields(fieldMessages(error, { ...labels, completed_by: 'who completed it', completed_on: 'the day completed' }));
      } else if (error.status === 412) {
        setConflict('Someone else changed the profile while you were editing it. Go back to see their version, then make your changes again.');
      } else {
        setConflict(error.status === 403 ? 'Your role may not record the profile.' : error.message);
      }
    } finally {
      setBusy(false);
    }
  }

  const anchors = Object.fromEntries([...profileFields.map(([f]) => [f, f]), ['completed_by', 'completed_by'], ['completed_on', 'completed_on']]);
  const errors = [...(conflict ? [{ message: conflict }] : []), ...summaryOf(fields, anchors)];
  return html`<${BackLink} href=${back}>Back<//>
    <${ErrorSummary} errors=${errors} />
    <${Heading} caption=${childName(child)}>${loaded.profile ? 'Update the profile' : 'Record the profile'}<//>
    <p class="govuk-body">What the carer knows, kept ready so that police have it at once if the child goes missing. Leave out what is not known.</p>
    <form novalidate onSubmit=${submit} id="profile-form">
      ${profileFields.map(([field, label, kind]) => (kind === 'input'
        ? html`<${TextInput} key=${field} id=${field} label=${label} labelClass="govuk-label govuk-label--s" value=${values[field]} onInput=${set(field)} error=${fields[field]} />`
        : html`<${Textarea} key=${field} id=${field} label=${label} value=${values[field]} onInput=${set(field)} error=${fields[field]} rows=${3} />`))}
      <${TextInput} id="completed_by" label="Who completed it" hint="Usually the carer, by name" labelClass="govuk-label govuk-label--s"
        value=${values.completed_by} onInput=${set('completed_by')} error=${fields.completed_by} />
      <${TextInput} id="completed_on" label="The day it was completed" type="date" width="10" labelClass="govuk-label govuk-label--s"
        value=${values.completed_on} onInput=${set('completed_on')} error=${fields.completed_on} />
      <${Button} disabled=${busy}>Save the profile<//>
    </form>`;
}

export function PhotoForm({ id }) {
  const { child, failure } = useChildRecord(id);
  const [file, setFile] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  if (failure) return html`<${Heading}>Child not found<//><p class="govuk-body">${failure}</p>`;
  if (!child) return html`<${Loading} />`;
  const back = `/children/${id}`;

  async function submit(event) {
    event.preventDefault();
    if (!file) {
      setError('Choose a photograph to upload');
      return;
    }
    if (!['image/jpeg', 'image/png'].includes(file.type)) {
      setError('The photograph must be a JPEG or PNG file');
      return;
    }
    if (file.size > 5 * 1024 * 1024) {
      setError('The photograph must be smaller than 5 MB');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await upload(`${childPath(id)}/photo`, file);
      setFlash('success', 'Done', 'The photograph is stored.');
      navigate(back);
    } catch (failed) {
      if (!(failed instanceof ApiError) || failed.status === 401) return;
      if (failed.status === 413) setError('The photograph must be smaller than 5 MB');
      else if (failed.status === 415) setError('The photograph must be a JPEG or PNG file');
      else if (failed.status === 422) setError(`The photograph cannot be used: it ${failed.fields.photo ?? 'is not a whole image'}`);
      else setError(failed.status === 403 ? 'Your role may not upload a photograph.' : failed.message);
    } finally {
      setBusy(false);
    }
  }

  return html`<${BackLink} href=${back}>Back<//>
    <${ErrorSummary} errors=${error ? [{ href: '#photo-file', message: error }] : []} />
    <${Heading} caption=${childName(child)}>Upload a photograph<//>
    <p class="govuk-body">A recent, clear photograph of the child's face, as a JPEG or PNG file up to 5 MB. It replaces any earlier one. Homeward keeps only the picture: where and when it was taken, and the camera, are removed.</p>
    <form novalidate onSubmit=${submit} id="photo-form">
      <div class=${`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
        <label class="govuk-label govuk-label--s" for="photo-file">The photograph</label>
        ${error && html`<p id="photo-file-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${error}</p>`}
        <input class=${`govuk-file-upload${error ? ' govuk-file-upload--error' : ''}`} id="photo-file" name="photo" type="file"
          accept="image/jpeg,image/png" aria-describedby=${error ? 'photo-file-error' : undefined}
          onChange=${(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      </div>
      <${Button} disabled=${busy}>Upload the photograph<//>
    </form>`;
}

// One page for officers to print: the photograph, the description and what helps find the child.
export function GrabSheet({ id }) {
  const { child, failure } = useChildRecord(id);
  const loaded = useProfile(id);
  const episodeId = searchParam('episode');
  const [episode, setEpisode] = useState(null);
  useEffect(() => {
    if (!episodeId) return;
    get(`/api/v1/episodes/${encodeURIComponent(episodeId)}`).then((reply) => setEpisode(reply.data)).catch(() => {});
  }, [episodeId]);
  if (failure) return html`<${Heading}>Child not found<//><p class="govuk-body">${failure}</p>`;
  if (!child || loaded === undefined) return html`<${Loading} />`;
  const profile = loaded.profile;
  const back = episodeId ? `/episodes/${episodeId}` : `/children/${id}`;
  return html`<div class="hw-no-print"><${BackLink} href=${back}>Back<//></div>
    <article class="hw-grab-sheet" id="grab-sheet">
      <${Heading} caption="Missing child: grab sheet">${childName(child)}<//>
      <div class="hw-grab-sheet__top">
        <${Photo} id=${id} name=${childName(child)} thumbnail=${false} className="hw-grab-sheet__photo" />
        <${SummaryList} rows=${[
          ['Born', day(child.date_of_birth)],
          ['Sex', child.sex],
          ['Ethnicity', child.ethnicity],
          ['Responsible council', child.responsible_authority],
          ...(episode ? [
            ['Last seen', `${when(episode.last_seen_at)}, ${episode.last_seen_location}`],
            ['Police reference', episode.police_reference],
            ['Risk grade', episode.risk_level],
          ] : []),
        ]} />
      </div>
      ${profile ? html`<${ProfileRows} profile=${profile} />`
        : html`<p class="govuk-body" id="no-profile">No profile has been recorded for this child.</p>`}
      <p class="govuk-body-s">Printed ${when(new Date().toISOString())} from Homeward. Official – sensitive: destroy when no longer needed.</p>
    </article>
    <div class="hw-no-print"><${Button} type="button" id="print" onClick=${() => window.print()}>Print the grab sheet<//></div>`;
}
