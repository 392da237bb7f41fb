// The figures page (managers, the CSE champion): GET /api/v1/stats for a period, an authority and
// a team, each figure beside the previous period of equal length. The filters are the page's
// query string (/figures?from=&to=&authority=&team=), so a view can be bookmarked and Back
// returns to the one before. Each chart is drawn from the table printed with it.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, query } from '../api.js';
import { Button, DateTimeInput, ErrorSummary, Heading, Loading, Select, html } from '../components.js';
import { navigate, searchParam } from '../router.js';
import { state } from '../state.js';
import { riskNames, riskOrder } from '../words.js';
import { BarChart, ColumnChart } from './charts.js';

export const figureRoles = ['manager', 'cse_champion'];

const pad = (n) => String(n).padStart(2, '0');
const isoDay = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

// Without from and to: the last 12 months, ending today.
export function defaultPeriod(now = new Date()) {
  const from = new Date(now.getFullYear() - 1, now.getMonth(), now.getDate() + 1);
  return { from: isoDay(from), to: isoDay(now) };
}

// "2026-06-01" → {day: '1', month: '6', year: '2026'}; anything else shown as it was typed.
function partsOf(text) {
  const [year = '', month = '', day = ''] = (text ?? '').split('-');
  const clean = (v) => (/^\d+$/.test(v) ? String(Number(v)) : v);
  return { day: clean(day), month: clean(month), year };
}

// The form's day, month and year as the API's YYYY-MM-DD; all empty: left out (the default).
function dayOf({ day = '', month = '', year = '' }) {
  const [d, m, y] = [day.trim(), month.trim(), year.trim()];
  if (!d && !m && !y) return '';
  return `${y}-${/^\d$/.test(m) ? pad(m) : m}-${/^\d$/.test(d) ? pad(d) : d}`;
}

const fieldNames = { from: 'The start of the period', to: 'The end of the period', authority: 'The authority', team: 'The team' };
const fieldLinks = { from: '#from-day', to: '#to-day', authority: '#authority', team: '#team' };

function sentence(field, message) {
  if (message === 'must be a date, YYYY-MM-DD') return `${fieldNames[field] ?? field} must be a real date`;
  if (field === 'to' && message === 'must not be before from') return 'The end of the period must be the same as or after the start';
  return `${fieldNames[field] ?? field} ${message}`;
}

const longMonth = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonth = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' });
const longDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthOf = (key) => new Date(`${key}-01T00:00:00Z`);
const dayText = (text) => longDay.format(new Date(`${text}T00:00:00Z`));
const percent = (share) => (share === null || share === undefined ? 'none' : `${Math.round(Number(share) * 1000) / 10}%`);
const count = (value) => (value === null || value === undefined ? 'none' : String(value));

// The rows of one figure and group, by key and measure: {key: {label, rank, measure: {current, previous, rank}}}.
function figureOf(figures, name, group = 'responsible') {
  const out = new Map();
  for (const row of figures) {
    if (row.figure !== name || row.group !== group) continue;
    const entry = out.get(row.key) ?? { key: row.key, label: row.label, measures: {} };
    entry.measures[row.measure] = { current: row.current, previous: row.previous, rank: row.rank };
    out.set(row.key, entry);
  }
  return out;
}

function one(figures, name, measure, key = '') {
  return figureOf(figures, name).get(key)?.measures[measure] ?? { current: null, previous: null };
}

// The figures for the filters, and the organisation's teams for the team filter.
function useFigures(params) {
  const [data, setData] = useState(null);
  const [teams, setTeams] = useState(null);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    let live = true;
    get(`/api/v1/stats${query(params)}`)
      .then((reply) => live && setData(reply.data))
      .catch((error) => live && error.status !== 401 && setFailure(error));
    get('/api/v1/teams')
      .then((reply) => live && setTeams(reply.data.items))
      .catch(() => live && setTeams([]));
    return () => {
      live = false;
    };
  }, []);
  return { data, teams, failure };
}

export function NotPermitted() {
  return html`<${Heading}>You are not permitted to see this page<//>
    <p class="govuk-body" id="not-permitted">Your role does not give you access to this page. If you need it, ask your manager or an administrator.</p>
    <p class="govuk-body"><a class="govuk-link" href="/">Go to your work</a></p>`;
}

// The stats CSV is one document of every figure: each section links to it, naming what it holds.
function Download({ href, what }) {
  return html`<p class="govuk-body hw-download"><a class="govuk-link" href=${href} download="stats.csv">Download CSV<span class="govuk-visually-hidden"> of all the figures, ${what} among them</span></a></p>`;
}

function Table({ id, caption, head, rows }) {
  return html`<table class="govuk-table govuk-table--small-text-until-tablet" id=${id}>
    <caption class="govuk-table__caption govuk-table__caption--s">${caption}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      ${head.map((h, i) => html`<th key=${h} scope="col" class=${`govuk-table__header${i ? ' govuk-table__header--numeric' : ''}`}>${h}</th>`)}
    </tr></thead>
    <tbody class="govuk-table__body">
      ${rows.map(([first, ...cells]) => html`<tr class="govuk-table__row" key=${first}>
        <th scope="row" class="govuk-table__header">${first}</th>
        ${cells.map((c, i) => html`<td key=${i} class="govuk-table__cell govuk-table__cell--numeric">${c}</td>`)}
      </tr>`)}
    </tbody>
  </table>`;
}

function Headline({ figures }) {
  const items = [
    ['episodes', 'Episodes', one(figures, 'episodes', 'episodes'), count],
    ['children', 'Children', one(figures, 'episodes', 'children'), count],
    ['returns', 'Returns', one(figures, 'returns', 'episodes'), count],
    ['held', 'Return interviews held', one(figures, 'interviews', 'episodes', 'held'), count],
  ];
  return html`<div class="hw-figures" id="headline">
    ${items.map(([id, label, value, format]) => html`<p class="hw-figure" key=${id} id=${`headline-${id}`}>
      <span class="hw-figure__number">${format(value.current)}</span> ${label}
      <span class="hw-secondary">${format(value.previous)} in the previous period</span></p>`)}
  </div>`;
}

function Trend({ figures, csv }) {
  const months = [...figureOf(figures, 'episodes_by_month').values()]
    .filter((m) => m.measures.episodes?.current !== null && m.measures.episodes?.current !== undefined)
    .sort((a, b) => a.key.localeCompare(b.key));
  const columns = months.map((m) => ({ label: longMonth.format(monthOf(m.key)), short: shortMonth.format(monthOf(m.key)),
    values: [m.measures.episodes.current, m.measures.children?.current ?? 0] }));
  return html`<section aria-labelledby="trend-heading" class="hw-figure-section">
    <h2 class="govuk-heading-m" id="trend-heading">Episodes and children by month</h2>
    <p class="govuk-body">Episodes reported in each month (cancelled reports are not counted), and the distinct children they were of.</p>
    <${ColumnChart} id="trend-chart" columns=${columns} series=${['Episodes', 'Children']} />
    <${Table} id="trend-table" caption="Episodes and children by month" head=${['Month', 'Episodes', 'Children']}
      rows=${columns.map((c) => [c.label, count(c.values[0]), count(c.values[1])])} />
    <${Download} href=${csv} what="the monthly trend" />
  </section>`;
}

function WithinStandard({ data, csv }) {
  const { figures } = data;
  const held = one(figures, 'interviews', 'episodes', 'held');
  const within = one(figures, 'held_within_standard', 'interviews');
  const share = one(figures, 'held_within_standard', 'share');
  const hours = data.policy.interview_held_hours;
  const periods = [
    [`This period (${dayText(data.period.from)} to ${dayText(data.period.to)})`, 'current'],
    [`Previous period (${dayText(data.previous_period.from)} to ${dayText(data.previous_period.to)})`, 'previous'],
  ];
  return html`<section aria-labelledby="standard-heading" class="hw-figure-section">
    <h2 class="govuk-heading-m" id="standard-heading">Return interviews held within ${hours} hours</h2>
    <p class="govuk-body">Of the return interviews held in each period, the share held within ${hours} hours of the child’s return.</p>
    ${held.current || held.previous
      ? html`<${BarChart} id="standard-chart" series=${['This period', 'Previous period']} max=${1} format=${percent}
          rows=${[{ label: 'Held within the standard', values: [share.current, share.previous] }]} />`
      : html`<p class="govuk-body">No return interview was held in either period.</p>`}
    <${Table} id="standard-table" caption=${`Return interviews held within ${hours} hours`}
      head=${['Period', 'Interviews held', `Within ${hours} hours`, 'Share']}
      rows=${periods.map(([label, p]) => [label, count(held[p]), count(within[p]), percent(share[p])])} />
    <${Download} href=${csv} what="interviews held within the standard" />
  </section>`;
}

function Outcomes({ figures, csv }) {
  const risks = figureOf(figures, 'cse_risk');
  const rows = riskOrder.map((key) => {
    const m = risks.get(key)?.measures.interviews ?? { current: 0, previous: 0 };
    return { label: riskNames[key], values: [m.current ?? 0, m.previous ?? 0] };
  });
  const any = rows.some((r) => r.values[0] || r.values[1]);
  return html`<section aria-labelledby="outcomes-heading" class="hw-figure-section">
    <h2 class="govuk-heading-m" id="outcomes-heading">CSE risk found at return interviews</h2>
    <p class="govuk-body">The practitioner’s judgement of the risk of child sexual exploitation, at the interviews held in each period.</p>
    ${any
      ? html`<${BarChart} id="outcomes-chart" rows=${rows} series=${['This period', 'Previous period']} />`
      : html`<p class="govuk-body">No return interview was held in either period.</p>`}
    <${Table} id="outcomes-table" caption="CSE risk found at return interviews"
      head=${['CSE risk', 'This period', 'Previous period']}
      rows=${rows.map((r) => [r.label, count(r.values[0]), count(r.values[1])])} />
    <${Download} href=${csv} what="CSE risk outcomes" />
  </section>`;
}

function Indicators({ figures, csv }) {
  const rows = [...figureOf(figures, 'indicators').values()]
    .map((i) => ({ label: i.label ?? i.key, rank: i.measures.episodes?.rank, values: [i.measures.episodes?.current ?? 0, i.measures.episodes?.previous ?? 0] }))
    .filter((r) => r.values[0] > 0)
    .sort((a, b) => a.rank - b.rank);
  return html`<section aria-labelledby="indicators-heading" class="hw-figure-section">
    <h2 class="govuk-heading-m" id="indicators-heading">Most frequent CSE indicators</h2>
    <p class="govuk-body">The indicators most often seen at the return interviews held in this period, most first.</p>
    ${rows.length
      ? html`<${BarChart} id="indicators-chart" rows=${rows.slice(0, 10)} series=${['This period', 'Previous period']} />
        <${Table} id="indicators-table" caption="Most frequent CSE indicators"
          head=${['Indicator', 'This period', 'Previous period']}
          rows=${rows.map((r) => [r.label, count(r.values[0]), count(r.values[1])])} />`
      : html`<p class="govuk-body" id="indicators-table">No indicator was recorded at an interview held in this period.</p>`}
    <${Download} href=${csv} what="the indicators" />
  </section>`;
}

const hotSpotKinds = [
  ['hot_spots_last_seen', 'Where children were last seen', 'last-seen'],
  ['hot_spots_found', 'Where children were found', 'found'],
  ['hot_spots_stayed', 'Where children stayed while missing', 'stayed'],
];

function HotSpots({ figures, csv }) {
  return html`<section aria-labelledby="hot-spots-heading" class="hw-figure-section">
    <h2 class="govuk-heading-m" id="hot-spots-heading">Hot spots</h2>
    <p class="govuk-body">Places named in the episodes reported in this period, written differently but counted once (“Bus Station” and “the bus station”), ranked by episodes and by distinct children.</p>
    ${hotSpotKinds.map(([name, title, id]) => {
      const rows = [...figureOf(figures, name).values()]
        .filter((p) => (p.measures.episodes?.current ?? 0) > 0)
        .sort((a, b) => (a.measures.episodes?.rank ?? 1e9) - (b.measures.episodes?.rank ?? 1e9));
      return html`<div key=${id}>
        <h3 class="govuk-heading-s">${title}</h3>
        ${rows.length
          ? html`<${Table} id=${`hot-spots-${id}`} caption=${`${title}, ranked by episodes`}
              head=${['Place', 'Episodes', 'Children', 'Rank by children']}
              rows=${rows.map((p) => [p.label ?? p.key, count(p.measures.episodes?.current),
                count(p.measures.children?.current), count(p.measures.children?.rank)])} />`
          : html`<p class="govuk-body" id=${`hot-spots-${id}`}>No place was recorded.</p>`}
      </div>`;
    })}
    <${Download} href=${csv} what="the hot spots" />
  </section>`;
}

function Filters({ params, teams, errors, authority }) {
  const [from, setFrom] = useState(partsOf(params.from));
  const [to, setTo] = useState(partsOf(params.to));
  const [team, setTeam] = useState(params.team ?? '');
  const [chosenAuthority, setAuthority] = useState(params.authority || authority);
  function show(event) {
    event.preventDefault();
    navigate(`/figures${query({ from: dayOf(from), to: dayOf(to), authority: chosenAuthority === authority ? '' : chosenAuthority, team })}`);
  }
  const fieldError = (name) => errors.find((e) => e.field === name)?.message;
  return html`<form novalidate onSubmit=${show} id="figure-filters">
    <div class="hw-filter">
      <${DateTimeInput} id="from" legend="From" time=${false} value=${from} onChange=${setFrom}
        hint="For example, 1 4 2026" error=${fieldError('from')} />
      <${DateTimeInput} id="to" legend="To" time=${false} value=${to} onChange=${setTo}
        hint="For example, 31 3 2027" error=${fieldError('to')} />
    </div>
    <div class="hw-filter">
      <${Select} id="authority" label="Authority" value=${chosenAuthority} onChange=${setAuthority}
        error=${fieldError('authority')} items=${[authority, ...(params.authority && params.authority !== authority ? [params.authority] : [])].map((a) => ({ value: a, label: a }))} />
      <${Select} id="team" label="Team" value=${team} onChange=${setTeam} error=${fieldError('team')}
        items=${[{ value: '', label: 'All teams' }, ...(teams ?? []).map((t) => ({ value: t.id, label: t.name }))]} />
      <${Button} secondary=${true} id="show-figures">Show the figures<//>
    </div>
  </form>`;
}

export function Figures() {
  const role = state.session?.user.role;
  if (!figureRoles.includes(role)) return html`<${NotPermitted} />`;
  const authority = state.session.user.organisation;
  const wanted = { from: searchParam('from'), to: searchParam('to'), authority: searchParam('authority'), team: searchParam('team') };
  const period = defaultPeriod();
  const params = { from: wanted.from ?? period.from, to: wanted.to ?? period.to, authority: wanted.authority ?? '', team: wanted.team ?? '' };
  const { data, teams, failure } = useFigures(params);
  if (failure?.status === 403) return html`<${NotPermitted} />`;

  const problems = failure instanceof ApiError && failure.status === 400
    ? (failure.problem.errors ?? []).map((e) => ({ field: e.field, message: sentence(e.field, e.message), href: fieldLinks[e.field] }))
    : [];
  const csv = `/api/v1/stats${query({ ...params, format: 'csv' })}`;
  const empty = data && !one(data.figures, 'episodes', 'episodes').current && !one(data.figures, 'returns', 'episodes').current
    && !one(data.figures, 'interviews', 'episodes', 'held').current;
  return html`<${ErrorSummary} errors=${problems} />
    <${Heading} caption=${authority}>Figures<//>
    <p class="govuk-body">Each figure beside the same figure for the previous period of equal length. Every chart has its table below it.</p>
    ${(data || failure) && teams && html`<${Filters} key=${JSON.stringify(params)} params=${params} teams=${teams} errors=${problems} authority=${authority} />`}
    ${failure && !problems.length && html`<p class="govuk-body" id="figures-failure">${failure.message}</p>`}
    ${!(data && teams) && !failure && html`<${Loading} />`}
    ${data && teams && html`<div id="figures">
      <p class="govuk-body" id="figures-period">Showing ${dayText(data.period.from)} to ${dayText(data.period.to)}${data.team ? `, ${teams?.find((t) => t.id === data.team)?.name ?? 'one team'}` : ', all teams'}, compared with ${dayText(data.previous_period.from)} to ${dayText(data.previous_period.to)}.</p>
      ${empty
        ? html`<p class="govuk-body govuk-!-font-weight-bold" id="figures-empty">No episodes in this period</p>
          <p class="govuk-body"><a class="govuk-link" href=${csv} download="stats.csv">Download CSV<span class="govuk-visually-hidden"> of the figures of this period</span></a></p>`
        : html`<${Headline} figures=${data.figures} />
          <${Trend} figures=${data.figures} csv=${csv} />
          <${WithinStandard} data=${data} csv=${csv} />
          <${Outcomes} figures=${data.figures} csv=${csv} />
          <${Indicators} figures=${data.figures} csv=${csv} />
          <${HotSpots} figures=${data.figures} csv=${csv} />`}
    </div>`}`;
}
