// The manager's page: the team's overdue and due-soon work by kind and by worker, the lists
// themselves with assign and reassign, the episodes nobody holds, and the repeat-missing reviews
// to record. The team is the manager's own unless they choose another (or all teams).
import { useEffect, useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { Button, Heading, Loading, Select, html } from '../components.js';
import { currentPath, navigate, searchParam } from '../router.js';
import { loadMe, state } from '../state.js';
import { childName, clockNames, socialWorkClocks, socialWorkStates } from '../words.js';
import { ClockList, EpisodeList, Flash } from './work.js';

// The requests of the page, all at once once the team is known.
function listsFor(team, worker) {
  const scope = { team: team === 'all' ? undefined : team, worker_id: worker || undefined };
  return [
    `/api/v1/overdue/summary${query({ team: scope.team })}`,
    `/api/v1/overdue${query({ ...scope, limit: 50 })}`,
    `/api/v1/overdue${query({ ...scope, due_soon: 'true', limit: 50 })}`,
    `/api/v1/episodes${query({ assigned: 'none', state: socialWorkStates, limit: 50 })}`,
    // open=true: every review still to hold, from the day it opens, not only the late ones.
    `/api/v1/overdue${query({ kind: 'repeat_missing_review', open: 'true', limit: 50 })}`,
  ];
}

function useTeamPage(team, worker) {
  const [teams, setTeams] = useState(null);
  const [data, setData] = useState(null);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    let live = true;
    const chosen = team ? Promise.resolve(team) : loadMe().then((me) => me.team?.id ?? 'all');
    Promise.all([get('/api/v1/teams'), chosen.then((t) => Promise.all(listsFor(t, worker).map((p) => get(p))).then((r) => [t, r]))])
      .then(([teamReply, [t, replies]]) => {
        if (!live) return;
        setTeams(teamReply.data.items);
        const [summary, overdue, soon, unassigned, reviews] = replies.map((r) => r.data);
        setData({ team: t, summary, overdue: overdue.items, soon: soon.items, unassigned: unassigned.items, reviews: reviews.items });
      })
      .catch((error) => live && error.status !== 401 && setFailure(error.message));
    return () => {
      live = false;
    };
  }, [team, worker]);
  return { teams, data, failure };
}

function teamName(teams, id) {
  if (id === 'all') return 'all teams';
  return teams?.find((t) => t.id === id)?.name ?? 'your team';
}

function SummaryTables({ summary, team, worker }) {
  const totals = summary.by_kind.reduce((t, k) => ({ overdue: t.overdue + k.overdue, soon: t.soon + k.due_soon }), { overdue: 0, soon: 0 });
  const link = (w) => `/team${query({ team, worker: w.user_id })}`;
  return html`<div class="hw-figures" id="team-figures">
      <p class="hw-figure"><span class="hw-figure__number">${totals.overdue}</span> overdue</p>
      <p class="hw-figure"><span class="hw-figure__number">${totals.soon}</span> due in the next 24 hours</p>
    </div>
    <h2 class="govuk-heading-m">By kind of work</h2>
    ${summary.by_kind.length
      ? html`<table class="govuk-table" id="by-kind">
        <caption class="govuk-table__caption govuk-visually-hidden">Overdue and due soon, by kind of work</caption>
        <thead class="govuk-table__head"><tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Work</th>
          <th scope="col" class="govuk-table__header govuk-table__header--numeric">Overdue</th>
          <th scope="col" class="govuk-table__header govuk-table__header--numeric">Due in 24 hours</th>
        </tr></thead>
        <tbody class="govuk-table__body">
          ${summary.by_kind.map((k) => html`<tr class="govuk-table__row" key=${k.kind}>
            <th scope="row" class="govuk-table__header">${clockNames[k.kind] ?? k.kind}</th>
            <td class="govuk-table__cell govuk-table__cell--numeric">${k.overdue}</td>
            <td class="govuk-table__cell govuk-table__cell--numeric">${k.due_soon}</td>
          </tr>`)}
        </tbody>
      </table>`
      : html`<p class="govuk-body" id="by-kind">Nothing is overdue or due in the next 24 hours.</p>`}
    <h2 class="govuk-heading-m">By worker</h2>
    ${summary.by_worker.length
      ? html`<table class="govuk-table" id="by-worker">
        <caption class="govuk-table__caption govuk-visually-hidden">Overdue and due soon, by who holds the work</caption>
        <thead class="govuk-table__head"><tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Held by</th>
          <th scope="col" class="govuk-table__header govuk-table__header--numeric">Overdue</th>
          <th scope="col" class="govuk-table__header govuk-table__header--numeric">Due in 24 hours</th>
        </tr></thead>
        <tbody class="govuk-table__body">
          ${summary.by_worker.map((w) => html`<tr class="govuk-table__row" key=${w.user_id ?? 'none'}>
            <th scope="row" class="govuk-table__header">
              ${w.user_id
                ? html`<a class="govuk-link" href=${link(w)} aria-current=${worker === w.user_id ? 'true' : undefined}>${w.username}</a>`
                : 'Not assigned to anyone'}
              ${w.team && html`<span class="hw-secondary">${w.team}</span>`}
            </th>
            <td class="govuk-table__cell govuk-table__cell--numeric">${w.overdue}</td>
            <td class="govuk-table__cell govuk-table__cell--numeric">${w.due_soon}</td>
          </tr>`)}
        </tbody>
      </table>`
      : html`<p class="govuk-body" id="by-worker">Nobody in this team holds overdue work or work due in 24 hours.</p>`}`;
}

export function TeamWork() {
  const team = searchParam('team');
  const worker = searchParam('worker');
  const { teams, data, failure } = useTeamPage(team, worker);
  const [choice, setChoice] = useState(team ?? '');
  useEffect(() => {
    if (data) setChoice(data.team);
  }, [data?.team]);
  const here = currentPath();
  const back = encodeURIComponent(here);

  function show(event) {
    event.preventDefault();
    navigate(`/team${query({ team: choice })}`);
  }

  const assign = (item) => {
    if (!item.episode_id || !socialWorkClocks.has(item.kind)) return null;
    const label = item.holder?.user_id ? 'Reassign' : 'Assign';
    return html`<p class="govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0">
      <a class="govuk-link" href=${`/episodes/${item.episode_id}/assign?return=${back}`}>${label}<span class="govuk-visually-hidden">: ${childName(item.child)}, ${clockNames[item.kind]}</span></a></p>`;
  };
  const assignEpisode = (e) => html`<p class="govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0">
    <a class="govuk-link" href=${`/episodes/${e.id}/assign?return=${back}`}>Assign<span class="govuk-visually-hidden">: ${childName(e.child)}</span></a></p>`;
  const review = (item) => html`<p class="govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0">
    <a class="govuk-link" href=${`/children/${item.child.id}/repeat-missing-review?return=${back}`}>Record the review<span class="govuk-visually-hidden">: ${childName(item.child)}</span></a></p>`;
  const withActions = (item) => (item.kind === 'repeat_missing_review' ? review(item) : assign(item));

  const heldBy = worker && data?.summary.by_worker.find((w) => w.user_id === worker)?.username;
  return html`<${Flash} />
    <${Heading} caption=${state.session?.user.organisation}>Team work<//>
    ${failure && html`<p class="govuk-body">${failure}</p>`}
    ${!data && !failure && html`<${Loading} />`}
    ${data && teams && html`<div id="team-work">
      <form novalidate onSubmit=${show} class="hw-filter">
        <${Select} id="team" label="Team" value=${choice} onChange=${setChoice}
          items=${[{ value: 'all', label: 'All teams' }, ...teams.map((t) => ({ value: t.id, label: t.name }))]} />
        <${Button} secondary=${true} id="show-team">Show<//>
      </form>
      <p class="govuk-body" id="showing">Showing the work of ${teamName(teams, data.team)}${heldBy ? html`, held by <strong>${heldBy}</strong>. <a class="govuk-link" href=${`/team${query({ team: data.team })}`}>Show everyone’s</a>` : '.'}</p>
      <${SummaryTables} summary=${data.summary} team=${data.team} worker=${worker} />
      <h2 class="govuk-heading-m">Overdue</h2>
      <${ClockList} id="overdue-list" items=${data.overdue} action=${withActions}
        empty=${data.team === 'all' ? 'Nothing in your authority is overdue.' : 'Nothing this team holds is overdue.'} />
      <h2 class="govuk-heading-m">Due in the next 24 hours</h2>
      <${ClockList} id="due-soon-list" items=${data.soon} action=${withActions}
        empty="Nothing falls due in the next 24 hours." />
      <h2 class="govuk-heading-m">Waiting for a social worker</h2>
      <p class="govuk-body">Returned children whose episode nobody holds yet, in all teams.</p>
      <${EpisodeList} id="unassigned-list" items=${data.unassigned} action=${assignEpisode}
        empty="Every returned child has a social worker." />
      <h2 class="govuk-heading-m">Repeat-missing reviews to record</h2>
      <p class="govuk-body">Children reported missing repeatedly: a multi-agency review is due, soonest first.</p>
      <${ClockList} id="reviews-list" items=${data.reviews} action=${review}
        empty="No repeat-missing review is waiting to be recorded." />
    </div>`}`;
}
