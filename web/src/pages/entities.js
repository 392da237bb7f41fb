// People, places and vehicles of concern: the episode page's section (the entities linked to the
// episode, and a form to link one, offering the possible matches the API finds), the list across
// children (police, managers, the champion) and one entity's page, with its children and episodes
// as a network picture beside the table. The picture's layout code (entity_graph.js, d3-force) is
// loaded only on that page, so the first load stays small.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.js';
import {
  Button, ErrorSummary, Heading, Loading, Radios, Select, TextInput, Textarea, html,
} from '../components.js';
import { fieldMessages, summaryOf } from '../form.js';
import { markNotificationRead } from '../notify.js';
import { searchParam } from '../router.js';
import { state } from '../state.js';
import { childName, day, when } from '../words.js';

export const entityKinds = { person: 'Person', place: 'Place', vehicle: 'Vehicle' };
export const entityLinks = {
  seen_with: 'Seen with',
  picked_up_by: 'Picked up by',
  stayed_at: 'Stayed at',
  found_at: 'Found at',
  gave_gifts: 'Gave gifts',
  other: 'Other',
};
const identifierLabels = { person: 'Phone number', place: 'Postcode', vehicle: 'Registration' };
const labelLabels = { person: 'Name', place: 'Name of the place', vehicle: 'Description' };

// Who sees the view across children (api.md): police, managers and the champion.
export function seesEntities(role = state.session?.user.role) {
  return ['police', 'manager', 'cse_champion'].includes(role);
}

function EntityName({ entity }) {
  const text = `${entity.label}${entity.identifier_normalised ? ` (${entity.identifier_normalised})` : ''}`;
  return seesEntities() ? html`<a class="govuk-link" href=${`/entities/${entity.id}`}>${text}</a>` : text;
}

function detailsText(entity) {
  const d = entity.details ?? {};
  return [
    d.aliases?.length ? `also known as ${d.aliases.join(', ')}` : null,
    d.approximate_age != null ? `about ${d.approximate_age}` : null,
    d.address, d.make, d.model, d.colour, d.description,
  ].filter(Boolean).join('; ');
}

const emptyForm = () => ({
  kind: 'person', label: '', identifier: '', link: 'seen_with', aliases: '', approximate_age: '',
  description: '', address: '', make: '', colour: '',
});

function bodyOf(form) {
  const details = {};
  if (form.kind === 'person') {
    const aliases = form.aliases.split(',').map((a) => a.trim()).filter(Boolean);
    if (aliases.length) details.aliases = aliases;
    if (form.approximate_age.trim()) details.approximate_age = Number(form.approximate_age.trim());
  }
  if (form.kind === 'place' && form.address.trim()) details.address = form.address;
  if (form.kind === 'vehicle') {
    if (form.make.trim()) details.make = form.make;
    if (form.colour.trim()) details.colour = form.colour;
  }
  if (form.description.trim()) details.description = form.description;
  const body = { kind: form.kind, label: form.label, link: form.link, details };
  if (form.identifier.trim()) body.identifier = form.identifier;
  return body;
}

// The episode page's section: what is linked, and the form to link another.
export function EntitiesSection({ episodeId }) {
  const [items, setItems] = useState(null);
  const [form, setForm] = useState(emptyForm());
  const [errors, setErrors] = useState({});
  const [answer, setAnswer] = useState(null);
  const [busy, setBusy] = useState(false);
  const path = `/api/v1/episodes/${encodeURIComponent(episodeId)}/entities`;
  const load = () => get(path).then((r) => setItems(r.data.items)).catch(() => setItems([]));
  useEffect(() => {
    load();
  }, [episodeId]);
  const set = (name) => (value) => setForm({ ...form, [name]: value });
  const send = async (body) => {
    setBusy(true);
    try {
      const reply = await post(path, body);
      setErrors({});
      setAnswer(reply.data);
      setForm(emptyForm());
      await load();
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        const fields = {};
        for (const [field, message] of Object.entries(fieldMessages(error, {
          label: labelLabels[form.kind], identifier: identifierLabels[form.kind],
          'details.approximate_age': 'Approximate age', 'details.aliases': 'Aliases',
        }))) {
          fields[field.replace(/^details\./, '')] = message;
        }
        setErrors(fields);
      } else {
        setErrors({ form: error.message });
      }
    } finally {
      setBusy(false);
    }
  };
  const submit = (event) => {
    event.preventDefault();
    setAnswer(null);
    send(bodyOf(form));
  };
  const anchors = {
    kind: 'entity-kind', label: 'entity-label', identifier: 'entity-identifier', link: 'entity-link',
    aliases: 'entity-aliases', approximate_age: 'entity-age', description: 'entity-description',
    address: 'entity-address', make: 'entity-make', colour: 'entity-colour',
  };
  const offered = answer?.possible_matches ?? [];
  return html`<section id="entities" aria-labelledby="entities-heading">
    <h2 class="govuk-heading-m" id="entities-heading">People, places and vehicles</h2>
    ${items === null ? html`<${Loading} />` : items.length === 0
      ? html`<p class="govuk-body" id="no-entities">No person, place or vehicle is linked to this episode.</p>`
      : html`<table class="govuk-table" id="entity-table">
          <caption class="govuk-table__caption govuk-visually-hidden">Linked to this episode</caption>
          <thead class="govuk-table__head"><tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Kind</th>
            <th scope="col" class="govuk-table__header">Who or what</th>
            <th scope="col" class="govuk-table__header">Link</th>
            <th scope="col" class="govuk-table__header">Children linked</th>
          </tr></thead>
          <tbody class="govuk-table__body">
            ${items.map(({ entity, link }) => html`<tr class="govuk-table__row" key=${link.id}>
              <td class="govuk-table__cell">${entityKinds[entity.kind]}</td>
              <td class="govuk-table__cell"><${EntityName} entity=${entity} />
                ${detailsText(entity) && html`<br /><span class="govuk-body-s">${detailsText(entity)}</span>`}</td>
              <td class="govuk-table__cell">${entityLinks[link.link]}<br /><span class="govuk-body-s">${when(link.linked_at)} by ${link.linked_by}</span></td>
              <td class="govuk-table__cell">${entity.children}</td>
            </tr>`)}
          </tbody>
        </table>`}
    ${answer && html`<div class="govuk-inset-text" id="entity-linked" role="status">
      ${answer.matched === 'existing' ? `Linked to ${answer.entity.label}, already known to Homeward.`
        : answer.matched === 'chosen' ? `Linked to ${answer.entity.label}.`
          : `${answer.entity.label} added and linked.`}
    </div>`}
    ${offered.length > 0 && html`<div id="possible-matches">
      <h3 class="govuk-heading-s">Possible matches</h3>
      <p class="govuk-body">Homeward knows ${offered.length === 1 ? 'one that may be the same' : 'some that may be the same'}. If it is, link that one instead.</p>
      <ul class="govuk-list">
        ${offered.map((m) => html`<li key=${m.id} class="hw-match">
          <strong>${m.label}${m.identifier_normalised ? ` (${m.identifier_normalised})` : ''}</strong>:
          ${m.reason}; linked to ${m.children} ${m.children === 1 ? 'child' : 'children'}.
          <${Button} secondary=${true} type="button" disabled=${busy}
            onClick=${() => send({ entity_id: m.id, link: answer.link.link })}>Link ${m.label} instead<//>
        </li>`)}
      </ul>
    </div>`}
    <details class="govuk-details hw-no-print" id="entity-form-details" open=${Object.keys(errors).length > 0}>
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Link a person, place or vehicle</span></summary>
      <div class="govuk-details__text">
        <${ErrorSummary} errors=${summaryOf(errors, anchors)} />
        <form id="entity-form" onSubmit=${submit} novalidate>
          <${Radios} id="entity-kind" name="kind" legend="Kind" inline=${true} error=${errors.kind}
            items=${Object.entries(entityKinds).map(([value, label]) => ({ value, label }))}
            value=${form.kind} onChange=${set('kind')} />
          <${TextInput} id="entity-label" label=${labelLabels[form.kind]} error=${errors.label}
            value=${form.label} onInput=${set('label')} />
          <${TextInput} id="entity-identifier" label=${`${identifierLabels[form.kind]} (optional)`}
            error=${errors.identifier} value=${form.identifier} onInput=${set('identifier')} width="10" />
          ${form.kind === 'person' && html`
            <${TextInput} id="entity-aliases" label="Other names (optional)" hint="Separate them with commas"
              error=${errors.aliases} value=${form.aliases} onInput=${set('aliases')} />
            <${TextInput} id="entity-age" label="Approximate age (optional)" inputmode="numeric" width="3"
              error=${errors.approximate_age} value=${form.approximate_age} onInput=${set('approximate_age')} />`}
          ${form.kind === 'place' && html`<${TextInput} id="entity-address" label="Address (optional)"
            error=${errors.address} value=${form.address} onInput=${set('address')} />`}
          ${form.kind === 'vehicle' && html`
            <${TextInput} id="entity-make" label="Make (optional)" error=${errors.make} value=${form.make} onInput=${set('make')} width="10" />
            <${TextInput} id="entity-colour" label="Colour (optional)" error=${errors.colour} value=${form.colour} onInput=${set('colour')} width="10" />`}
          <${Textarea} id="entity-description" label="Description (optional)" error=${errors.description}
            value=${form.description} onInput=${set('description')} rows=${2} />
          <${Select} id="entity-link" label="How they are linked to this episode" error=${errors.link}
            items=${Object.entries(entityLinks).map(([value, label]) => ({ value, label }))}
            value=${form.link} onChange=${set('link')} />
          ${errors.form && html`<p class="govuk-error-message">${errors.form}</p>`}
          <${Button} id="entity-submit" disabled=${busy}>Link<//>
        </form>
      </div>
    </details>
  </section>`;
}

// The list across children: most children first.
export function EntityList() {
  const [filter, setFilter] = useState({ kind: searchParam('kind') ?? '', min: searchParam('min_children') ?? '2' });
  const [items, setItems] = useState(null);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    let live = true;
    const params = new URLSearchParams({ min_children: filter.min || '1' });
    if (filter.kind) params.set('kind', filter.kind);
    get(`/api/v1/entities?${params}`)
      .then((r) => live && setItems(r.data.items))
      .catch((error) => live && error.status !== 401 && setFailure(error.message));
    return () => {
      live = false;
    };
  }, [filter.kind, filter.min]);
  return html`<${Heading}>People, places and vehicles<//>
    <p class="govuk-body">Those linked to episodes of several children, most children first. Children your
      organisation does not see are counted but not named.</p>
    <div class="hw-filters" id="entity-filters">
      <${Select} id="filter-kind" label="Kind" value=${filter.kind}
        items=${[{ value: '', label: 'All' }, ...Object.entries(entityKinds).map(([value, label]) => ({ value, label }))]}
        onChange=${(kind) => setFilter({ ...filter, kind })} />
      <${Select} id="filter-min" label="Linked to at least" value=${filter.min}
        items=${['1', '2', '3', '5'].map((n) => ({ value: n, label: n === '1' ? '1 child' : `${n} children` }))}
        onChange=${(min) => setFilter({ ...filter, min })} />
    </div>
    ${failure ? html`<p class="govuk-body">${failure}</p>` : items === null ? html`<${Loading} />`
      : items.length === 0 ? html`<p class="govuk-body" id="no-entities">None.</p>`
        : html`<table class="govuk-table" id="entity-list">
          <caption class="govuk-table__caption govuk-visually-hidden">People, places and vehicles</caption>
          <thead class="govuk-table__head"><tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Who or what</th>
            <th scope="col" class="govuk-table__header">Kind</th>
            <th scope="col" class="govuk-table__header govuk-table__header--numeric">Children</th>
          </tr></thead>
          <tbody class="govuk-table__body">
            ${items.map((e) => html`<tr class="govuk-table__row" key=${e.id}>
              <td class="govuk-table__cell"><${EntityName} entity=${e} /></td>
              <td class="govuk-table__cell">${entityKinds[e.kind]}</td>
              <td class="govuk-table__cell govuk-table__cell--numeric">${e.children}</td>
            </tr>`)}
          </tbody>
        </table>`}`;
}

// The network: the entity in the middle, the episodes it is linked to around it, and each
// episode's child (one node per child, however many episodes), with a grey node for the children
// the caller does not see. The layout's code (entity_graph.js, with d3-force) is fetched when
// this is first drawn; the table beside it says the same in words.
const graphSize = 360;
const graphColours = { entity: '#d4351c', episode: '#1d70b8', child: '#00703c', hidden: '#505a5f' };

function networkOf(entity) {
  const nodes = [{ id: entity.id, kind: 'entity', label: entity.label }];
  const links = [];
  const seen = new Set();
  for (const link of entity.links) {
    const child = `child-${link.child.id}`;
    if (!seen.has(link.episode_id)) {
      seen.add(link.episode_id);
      nodes.push({ id: link.episode_id, kind: 'episode', label: `Reported ${day(link.reported_at.slice(0, 10))}` });
      links.push({ source: entity.id, target: link.episode_id });
    }
    if (!seen.has(child)) {
      seen.add(child);
      nodes.push({ id: child, kind: 'child', label: childName(link.child) });
    }
    if (!seen.has(`${link.episode_id}>${child}`)) {
      seen.add(`${link.episode_id}>${child}`);
      links.push({ source: link.episode_id, target: child });
    }
  }
  const hidden = entity.children - entity.children_in_scope;
  if (hidden > 0) {
    nodes.push({ id: 'hidden', kind: 'hidden', label: `${hidden} not shown` });
    links.push({ source: entity.id, target: 'hidden' });
  }
  return { nodes, links };
}

function Network({ entity }) {
  const [placed, setPlaced] = useState(null);
  const [failed, setFailed] = useState(false);
  const { nodes, links } = networkOf(entity);
  useEffect(() => {
    import('./entity_graph.js')
      .then((m) => setPlaced(m.layoutNetwork(nodes, links, graphSize)))
      .catch(() => setFailed(true));
  }, [entity.id]);
  if (failed) return html`<p class="govuk-body">The picture could not be drawn: the table lists the same links.</p>`;
  if (!placed) return html`<${Loading} />`;
  const at = new Map(placed.map((n) => [n.id, n]));
  const children = placed.filter((n) => n.kind === 'child').map((n) => n.label);
  const description = `${entity.label}, linked to ${entity.links.length} episode${entity.links.length === 1 ? '' : 's'}`
    + `${children.length ? ` of ${children.join(', ')}` : ''}.`;
  return html`<svg id="entity-graph" viewBox=${`0 0 ${graphSize} ${graphSize}`} width="100%" role="img"
    aria-labelledby="entity-graph-title" class="hw-graph">
    <title id="entity-graph-title">${description}</title>
    ${links.map((l) => html`<line key=${`${l.source}-${l.target}`} x1=${at.get(l.source).x} y1=${at.get(l.source).y}
      x2=${at.get(l.target).x} y2=${at.get(l.target).y} stroke="#b1b4b6" stroke-width="2" />`)}
    ${placed.map((n) => html`<g key=${n.id} class="hw-graph__node" data-kind=${n.kind}>
      <circle cx=${n.x} cy=${n.y} r=${n.kind === 'entity' ? 14 : 10} fill=${graphColours[n.kind]} />
      <text x=${n.x} y=${n.y + (n.kind === 'entity' ? 28 : 22)} text-anchor="middle" class="hw-graph__label">${n.label}</text>
    </g>`)}
  </svg>`;
}

export function EntityPage({ id }) {
  const [entity, setEntity] = useState(null);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    markNotificationRead(searchParam('notification'));
    let live = true;
    get(`/api/v1/entities/${encodeURIComponent(id)}`)
      .then((r) => live && setEntity(r.data))
      .catch((error) => live && error.status !== 401 && setFailure(error.status === 404
        ? 'There is no such person, place or vehicle linked to episodes you see.' : error.message));
    return () => {
      live = false;
    };
  }, [id]);
  if (failure) return html`<${Heading}>Not found<//><p class="govuk-body">${failure}</p>`;
  if (!entity) return html`<${Loading} />`;
  const hidden = entity.children - entity.children_in_scope;
  return html`<${Heading} caption=${entityKinds[entity.kind]}>${entity.label}<//>
    ${entity.merged_into && html`<div class="govuk-inset-text" id="merged-into">Merged into
      <a class="govuk-link" href=${`/entities/${entity.merged_into}`}>another record</a> on ${when(entity.merged_at)}.</div>`}
    <p class="govuk-body" id="entity-summary">${entity.identifier_normalised ? `${identifierLabels[entity.kind]} ${entity.identifier_normalised}. ` : ''}
      Linked to ${entity.children} ${entity.children === 1 ? 'child' : 'children'}${hidden > 0
        ? `, ${hidden} of them in episodes your organisation does not see` : ''}.
      ${detailsText(entity) && html`<br />${detailsText(entity)}`}</p>
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-one-half" id="entity-network">
        <h2 class="govuk-heading-m">Network</h2>
        <${Network} entity=${entity} />
      </div>
      <div class="govuk-grid-column-one-half">
        <h2 class="govuk-heading-m">Children and episodes</h2>
        ${entity.links.length === 0 ? html`<p class="govuk-body">No episode you see.</p>`
          : html`<table class="govuk-table" id="entity-links">
          <caption class="govuk-table__caption govuk-visually-hidden">Episodes linked</caption>
          <thead class="govuk-table__head"><tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Child</th>
            <th scope="col" class="govuk-table__header">Episode</th>
            <th scope="col" class="govuk-table__header">Link</th>
          </tr></thead>
          <tbody class="govuk-table__body">
            ${entity.links.map((l) => html`<tr class="govuk-table__row" key=${l.id}>
              <td class="govuk-table__cell">${childName(l.child)}</td>
              <td class="govuk-table__cell"><a class="govuk-link" href=${`/episodes/${l.episode_id}`}>Reported ${day(l.reported_at.slice(0, 10))}</a></td>
              <td class="govuk-table__cell">${entityLinks[l.link]}</td>
            </tr>`)}
          </tbody>
        </table>`}
      </div>
    </div>`;
}
