#include "homeward/db/stats.hpp"

#include "sql.hpp"

namespace homeward::db::stats {
namespace {

// $1 from (date or null), $2 to, $3 now (epoch), $4 the time zone.
const statement resolve_sql{
    "stats_resolve",
    "select f - date '1970-01-01', t - date '1970-01-01' from (select coalesce($1::date, "
    "coalesce($2::date, (to_timestamp($3::bigint) at time zone $4::text)::date) - 29) as f, "
    "coalesce($2::date, (to_timestamp($3::bigint) at time zone $4::text)::date) as t) d"};

// Every figure in one statement. Parameters: $1 the caller's authority, $2 the authority asked
// for (null: the caller's), $3 a team (null: all), $4 the period's first day, $5 its last day,
// $6 now (epoch), $7 the time zone, $8 the offer clock and $9 the held clock (seconds), $10 how
// many places and indicators, $11 whether to list the repeat children by name.
//
// `periods` holds this period and the previous one (the same number of days just before), as
// instants [lo, hi) of the time zone's midnights. Each figure aggregates once per group and
// period and is unpivoted into rows (figure, group, key, label, measure, current, previous,
// rank).
const statement figures_sql{"stats_figures", R"sql(
with p as (
    select $7::text as tz, $4::date as f, $5::date as t, ($5::date - $4::date + 1) as days,
           to_timestamp($6::bigint) as now),
periods as (
    select 'current'::text as period, (f::timestamp at time zone tz) as lo,
           ((t + 1)::timestamp at time zone tz) as hi from p
    union all
    select 'previous', ((f - days)::timestamp at time zone tz), (f::timestamp at time zone tz)
    from p),
scope as (select $1::uuid as org where $2::uuid is null or $2::uuid = $1::uuid),
sides(side, side_ord) as (values ('responsible', 1), ('hosted', 2)),
ep as (
    select e.id, e.child_id, e.reported_at, e.returned_at, e.interview_offered_at,
           e.absence_kind, e.last_seen_location, e.found_location, c.looked_after,
           case when e.responsible_authority_id = s.org then 'responsible' else 'hosted' end
               as side
    from scope s
    join episodes e on e.responsible_authority_id = s.org or e.host_authority_id = s.org
    join children c on c.id = e.child_id
    where e.state <> 'cancelled' and e.reported_at < (select max(hi) from periods)
      and ($3::uuid is null or exists (select 1 from users w where w.id = e.assigned_worker_id
                                       and w.team_id = $3::uuid))),
reported as (
    select ep.*, pr.period, to_char(ep.reported_at at time zone p.tz, 'YYYY-MM') as month
    from ep cross join p join periods pr on ep.reported_at >= pr.lo and ep.reported_at < pr.hi),
agg_reported as (
    select s.side, s.side_ord,
           count(r.id) filter (where r.period = 'current') as ec,
           count(r.id) filter (where r.period = 'previous') as ep,
           count(distinct r.child_id) filter (where r.period = 'current') as cc,
           count(distinct r.child_id) filter (where r.period = 'previous') as cp,
           count(r.id) filter (where r.period = 'current' and r.absence_kind = 'missing') as mc,
           count(r.id) filter (where r.period = 'previous' and r.absence_kind = 'missing') as mp,
           count(r.id) filter (where r.period = 'current' and r.absence_kind = 'away') as ac,
           count(r.id) filter (where r.period = 'previous' and r.absence_kind = 'away') as ap,
           count(r.id) filter (where r.period = 'current' and r.looked_after) as lc,
           count(r.id) filter (where r.period = 'previous' and r.looked_after) as lp,
           count(distinct r.child_id) filter (where r.period = 'current' and r.looked_after)
               as lkc,
           count(distinct r.child_id) filter (where r.period = 'previous' and r.looked_after)
               as lkp
    from sides s left join reported r on r.side = s.side group by s.side, s.side_ord),
months as (
    select pr.period, to_char(m, 'YYYY-MM') as month
    from p cross join periods pr
    cross join lateral generate_series(date_trunc('month', pr.lo at time zone p.tz),
                                       (pr.hi at time zone p.tz) - interval '1 second',
                                       interval '1 month') m),
by_month as (
    select side, side_ord, month,
           max(n) filter (where period = 'current') as nc,
           max(n) filter (where period = 'previous') as np,
           max(k) filter (where period = 'current') as kc,
           max(k) filter (where period = 'previous') as kp
    from (select s.side, s.side_ord, mo.month, mo.period, count(r.id) as n,
                 count(distinct r.child_id) as k
          from sides s cross join months mo
          left join reported r on r.side = s.side and r.period = mo.period and r.month = mo.month
          group by s.side, s.side_ord, mo.month, mo.period) x
    group by side, side_ord, month),
repeats as (
    select side, period, child_id, count(*) as episodes
    from (select r.side, r.period, r.child_id,
                 count(*) over (partition by r.side, r.period, r.child_id order by r.reported_at
                                range between interval '90 days' preceding and current row) as n
          from reported r) w
    group by side, period, child_id having max(n) >= 3),
agg_repeats as (
    select s.side, s.side_ord, count(x.child_id) filter (where x.period = 'current') as c,
           count(x.child_id) filter (where x.period = 'previous') as pv
    from sides s left join repeats x on x.side = s.side group by s.side, s.side_ord),
returned as (
    select ep.*, pr.period from ep join periods pr
    on ep.returned_at >= pr.lo and ep.returned_at < pr.hi),
agg_returned as (
    select s.side, s.side_ord,
           count(x.id) filter (where x.period = 'current') as rc,
           count(x.id) filter (where x.period = 'previous') as rp,
           count(x.id) filter (where x.period = 'current' and x.interview_offered_at
                               <= x.returned_at + make_interval(secs => $8::float8)) as oc,
           count(x.id) filter (where x.period = 'previous' and x.interview_offered_at
                               <= x.returned_at + make_interval(secs => $8::float8)) as op
    from sides s left join returned x on x.side = s.side group by s.side, s.side_ord),
agg_offered as (
    select s.side, s.side_ord, count(x.id) filter (where x.period = 'current') as c,
           count(x.id) filter (where x.period = 'previous') as pv
    from sides s left join (select ep.id, ep.side, pr.period from ep join periods pr
                            on ep.interview_offered_at >= pr.lo
                               and ep.interview_offered_at < pr.hi) x on x.side = s.side
    group by s.side, s.side_ord),
iv as (
    select ep.id, ep.side, ep.returned_at, i.outcome, i.conducted_at, i.declined_at, i.cse_risk
    from ep join interviews i on i.episode_id = ep.id),
held as (
    select iv.*, pr.period,
           extract(epoch from iv.conducted_at - iv.returned_at) / 3600.0 as hours
    from iv join periods pr on iv.outcome = 'held' and iv.conducted_at >= pr.lo
                               and iv.conducted_at < pr.hi),
agg_held as (
    select s.side, s.side_ord,
           count(h.id) filter (where h.period = 'current') as hc,
           count(h.id) filter (where h.period = 'previous') as hp,
           count(h.id) filter (where h.period = 'current' and h.conducted_at
                               <= h.returned_at + make_interval(secs => $9::float8)) as wc,
           count(h.id) filter (where h.period = 'previous' and h.conducted_at
                               <= h.returned_at + make_interval(secs => $9::float8)) as wp,
           percentile_cont(0.5) within group (order by h.hours)
               filter (where h.period = 'current') as medc,
           percentile_cont(0.5) within group (order by h.hours)
               filter (where h.period = 'previous') as medp,
           percentile_cont(0.9) within group (order by h.hours)
               filter (where h.period = 'current') as p90c,
           percentile_cont(0.9) within group (order by h.hours)
               filter (where h.period = 'previous') as p90p
    from sides s left join held h on h.side = s.side group by s.side, s.side_ord),
agg_declined as (
    select s.side, s.side_ord, count(x.id) filter (where x.period = 'current') as c,
           count(x.id) filter (where x.period = 'previous') as pv
    from sides s left join (select iv.id, iv.side, pr.period from iv join periods pr
                            on iv.declined_at >= pr.lo and iv.declined_at < pr.hi) x
                 on x.side = s.side
    group by s.side, s.side_ord),
risks as (
    select s.side, s.side_ord, k.risk, k.o, count(h.id) filter (where h.period = 'current') as c,
           count(h.id) filter (where h.period = 'previous') as pv
    from sides s cross join (values ('none', 1), ('low', 2), ('medium', 3), ('high', 4)) k(risk, o)
    left join held h on h.side = s.side and h.cse_risk = k.risk
    group by s.side, s.side_ord, k.risk, k.o),
indicators as (
    select side, code, c, pv, row_number() over (partition by side order by c desc, pv desc, code)
               as rn
    from (select h.side, o.indicator_code as code,
                 count(*) filter (where h.period = 'current') as c,
                 count(*) filter (where h.period = 'previous') as pv
          from held h join observed_indicators o on o.episode_id = h.id
          group by h.side, o.indicator_code) x),
places as (
    select r.side, r.period, r.child_id, r.id, 'last_seen' as kind, r.last_seen_location as place,
           hw_place_key(r.last_seen_location) as key
    from reported r
    union all
    select r.side, r.period, r.child_id, r.id, 'found', r.found_location,
           hw_place_key(r.found_location)
    from reported r where r.found_location is not null
    union all
    select r.side, r.period, r.child_id, r.id, 'stayed', i.where_stayed,
           hw_place_key(i.where_stayed)
    from reported r join interviews i on i.episode_id = r.id where i.where_stayed is not null
    union all
    -- A place of concern linked to the episode counts under its own id, however it was written.
    select distinct r.side, r.period, r.child_id, r.id, 'place_of_concern', n.label, n.id::text
    from reported r join episode_entities l on l.episode_id = r.id
    join entities n on n.id = l.entity_id where n.kind = 'place'),
spots as (
    select kind, side, key, label, ec, ep, cc, cp,
           row_number() over (partition by kind, side order by ec desc, cc desc, ep desc, key)
               as rank_episodes,
           row_number() over (partition by kind, side order by cc desc, ec desc, cp desc, key)
               as rank_children
    from (select kind, side, key,
                 mode() within group (order by btrim(place)) as label,
                 count(distinct id) filter (where period = 'current') as ec,
                 count(distinct id) filter (where period = 'previous') as ep,
                 count(distinct child_id) filter (where period = 'current') as cc,
                 count(distinct child_id) filter (where period = 'previous') as cp
          from places where key <> ''
          group by kind, side, key) x),
reviews as (
    select case when c.responsible_authority_id = s.org then 'responsible' else 'hosted' end
               as side, k.due_at, k.met_at, pr.period
    from scope s
    join children c on c.responsible_authority_id = s.org or c.host_authority_id = s.org
    join clocks k on k.child_id = c.id and k.episode_id is null
                     and k.kind = 'repeat_missing_review'
    join periods pr on k.due_at >= pr.lo and k.due_at < pr.hi),
agg_reviews as (
    select s.side, s.side_ord,
           count(x.due_at) filter (where x.period = 'current') as dc,
           count(x.due_at) filter (where x.period = 'previous') as dp,
           count(x.due_at) filter (where x.period = 'current' and x.met_at <= x.due_at) as tc,
           count(x.due_at) filter (where x.period = 'previous' and x.met_at <= x.due_at) as tp
    from sides s left join reviews x on x.side = s.side group by s.side, s.side_ord),
overdue as (
    select pr.period, k.kind, coalesce(u.id::text, '') as worker, u.username,
           coalesce(tm.id::text, '') as team, tm.name as team_name
    from scope s cross join p
    cross join (select period, least(hi, (select now from p)) as at from periods) pr
    join clocks k on k.holder_organisation_id = s.org and k.due_at <= pr.at
                     and k.starts_at <= pr.at and (k.met_at is null or k.met_at > pr.at)
                     and (k.stopped_at is null or k.stopped_at > pr.at)
    left join users u on u.id = k.holder_user_id
    left join teams tm on tm.id = u.team_id
    where $3::uuid is null or u.team_id = $3::uuid),
overdue_by as (
    select figure, key, label, c, pv,
           row_number() over (partition by figure order by c desc, pv desc, key) as rn
    from (select 'overdue_by_kind' as figure, kind as key, null::text as label,
                 count(*) filter (where period = 'current') as c,
                 count(*) filter (where period = 'previous') as pv
          from overdue group by kind
          union all
          select 'overdue_by_team', team, max(team_name),
                 count(*) filter (where period = 'current'),
                 count(*) filter (where period = 'previous')
          from overdue group by team
          union all
          select 'overdue_by_worker', worker, max(username),
                 count(*) filter (where period = 'current'),
                 count(*) filter (where period = 'previous')
          from overdue group by worker) x),
rows(ord, figure, side, side_ord, key, label, measure, cur, prev, rank) as (
    select 1, 'episodes', a.side, a.side_ord, '', null::text, v.measure, v.c::text, v.pv::text, 0
    from agg_reported a cross join lateral (values
        ('episodes', a.ec, a.ep), ('children', a.cc, a.cp)) v(measure, c, pv)
    union all
    select 2, 'episodes_by_month', m.side, m.side_ord, m.month, null, v.measure, v.c::text,
           v.pv::text, 0
    from by_month m cross join lateral (values
        ('episodes', m.nc, m.np), ('children', m.kc, m.kp)) v(measure, c, pv)
    union all
    select 3, 'absence', a.side, a.side_ord, v.key, null, 'episodes', v.c::text, v.pv::text, v.o
    from agg_reported a cross join lateral (values
        ('missing', a.mc, a.mp, 1), ('away', a.ac, a.ap, 2)) v(key, c, pv, o)
    union all
    select 4, 'looked_after', a.side, a.side_ord, '', null, v.measure, v.c, v.pv, 0
    from agg_reported a cross join lateral (values
        ('episodes', a.lc::text, a.lp::text),
        ('episodes_share', (a.lc::float8 / nullif(a.ec, 0))::text,
                           (a.lp::float8 / nullif(a.ep, 0))::text),
        ('children', a.lkc::text, a.lkp::text),
        ('children_share', (a.lkc::float8 / nullif(a.cc, 0))::text,
                           (a.lkp::float8 / nullif(a.cp, 0))::text)) v(measure, c, pv)
    union all
    select 5, 'repeat_children', a.side, a.side_ord, '', null, 'children', a.c::text, a.pv::text,
           0
    from agg_repeats a
    union all
    select 6, 'repeat_child', x.side, s.side_ord, x.child_id::text,
           ch.given_name || ' ' || ch.family_name, 'episodes', x.episodes::text,
           (select count(*) from reported r where r.period = 'previous' and r.side = x.side
                                            and r.child_id = x.child_id)::text, 0
    from repeats x join sides s on s.side = x.side join children ch on ch.id = x.child_id
    where $11::boolean and x.period = 'current'
    union all
    select 7, 'returns', a.side, a.side_ord, '', null, 'episodes', a.rc::text, a.rp::text, 0
    from agg_returned a
    union all
    select 8, 'interviews', o.side, o.side_ord, v.key, null, 'episodes', v.c::text, v.pv::text,
           v.o
    from agg_offered o join agg_held h on h.side = o.side join agg_declined d on d.side = o.side
    cross join lateral (values ('offered', o.c, o.pv, 1), ('held', h.hc, h.hp, 2),
                               ('declined', d.c, d.pv, 3)) v(key, c, pv, o)
    union all
    select 9, 'offered_within_standard', a.side, a.side_ord, '', null, v.measure, v.c, v.pv, 0
    from agg_returned a cross join lateral (values
        ('episodes', a.oc::text, a.op::text),
        ('share', (a.oc::float8 / nullif(a.rc, 0))::text, (a.op::float8 / nullif(a.rp, 0))::text))
        v(measure, c, pv)
    union all
    select 10, 'held_within_standard', h.side, h.side_ord, '', null, v.measure, v.c, v.pv, 0
    from agg_held h cross join lateral (values
        ('interviews', h.wc::text, h.wp::text),
        ('share', (h.wc::float8 / nullif(h.hc, 0))::text, (h.wp::float8 / nullif(h.hp, 0))::text))
        v(measure, c, pv)
    union all
    select 11, 'hours_to_interview', h.side, h.side_ord, '', null, v.measure, v.c::text,
           v.pv::text, 0
    from agg_held h cross join lateral (values
        ('median', h.medc, h.medp), ('p90', h.p90c, h.p90p)) v(measure, c, pv)
    union all
    select 12, 'cse_risk', k.side, k.side_ord, k.risk, null, 'interviews', k.c::text, k.pv::text,
           k.o
    from risks k
    union all
    select 13, 'indicators', i.side, s.side_ord, i.code, null, 'episodes', i.c::text, i.pv::text,
           i.rn::int
    from indicators i join sides s on s.side = i.side where i.rn <= $10::int
    union all
    select 14, 'repeat_reviews', a.side, a.side_ord, '', null, v.measure, v.c, v.pv, 0
    from agg_reviews a cross join lateral (values
        ('due', a.dc::text, a.dp::text), ('on_time', a.tc::text, a.tp::text),
        ('share', (a.tc::float8 / nullif(a.dc, 0))::text, (a.tp::float8 / nullif(a.dp, 0))::text))
        v(measure, c, pv)
    union all
    select 15, 'hot_spots_' || h.kind, h.side, s.side_ord, h.key, h.label, v.measure, v.c::text,
           v.pv::text, v.r::int
    from spots h join sides s on s.side = h.side cross join lateral (values
        ('episodes', h.ec, h.ep, h.rank_episodes), ('children', h.cc, h.cp, h.rank_children))
        v(measure, c, pv, r)
    where h.rank_episodes <= $10::int or h.rank_children <= $10::int
    union all
    select 16, o.figure, 'responsible', 1, o.key, o.label, 'clocks', o.c::text, o.pv::text,
           o.rn::int
    from overdue_by o)
select figure, side, key, label, measure, cur, prev, rank from rows
order by ord, figure, side_ord, measure, rank, key
)sql"};

// $1 the caller's authority, $2 the authority asked for, $3 and $4 the first and last day, $5
// the time zone, $6 the limit, $7 and $8 the cursor.
const statement return_sql{"stats_statutory_return", R"sql(
select c.id::text, c.date_of_birth - date '1970-01-01', e.id::text,
       extract(epoch from e.reported_at)::bigint, extract(epoch from e.last_seen_at)::bigint,
       extract(epoch from e.returned_at)::bigint, e.absence_kind,
       extract(epoch from e.interview_offered_at)::bigint,
       extract(epoch from case when i.outcome = 'held' then i.conducted_at end)::bigint,
       extract(epoch from i.declined_at)::bigint
from episodes e
join children c on c.id = e.child_id
left join interviews i on i.episode_id = e.id
where e.responsible_authority_id = $1::uuid and ($2::uuid is null or $2::uuid = $1::uuid)
  and e.state <> 'cancelled'
  and e.reported_at >= ($3::date::timestamp at time zone $5::text)
  and e.reported_at < (($4::date + 1)::timestamp at time zone $5::text)
  and ($7::bigint is null or (e.reported_at, e.id) > (to_timestamp($7::bigint), $8::uuid))
order by e.reported_at, e.id
limit $6
)sql"};

} // namespace

period resolve(unit_of_work& uow, std::optional<std::chrono::sys_days> from,
               std::optional<std::chrono::sys_days> to, time_point now,
               const std::string& time_zone) {
    const auto optional_date = [](std::optional<std::chrono::sys_days> day) {
        return day ? std::optional<std::string>{date_text(*day)} : std::nullopt;
    };
    const auto row =
        run(uow, resolve_sql, optional_date(from), optional_date(to), epoch(now), time_zone)[0];
    return {date_of(row[0]), date_of(row[1])};
}

std::vector<figure_row> figures(unit_of_work& uow, const query& q) {
    std::vector<figure_row> rows;
    for (const auto& row :
         run(uow, figures_sql, q.organisation_id, q.authority_id, q.team_id,
             date_text(q.current.from), date_text(q.current.to), epoch(q.now), q.time_zone,
             static_cast<double>(q.offer_due.count()), static_cast<double>(q.held_due.count()),
             q.top, q.list_repeat_children)) {
        fields f{row};
        figure_row line;
        line.figure = f.text();
        line.group = f.text();
        line.key = f.text();
        line.label = f.optional_text();
        line.measure = f.text();
        line.current = f.optional_text();
        line.previous = f.optional_text();
        line.rank = f.integer();
        rows.push_back(std::move(line));
    }
    return rows;
}

std::vector<return_line> statutory_return(unit_of_work& uow, const return_query& q) {
    std::vector<return_line> lines;
    for (const auto& row :
         run(uow, return_sql, q.organisation_id, q.authority_id, date_text(q.days.from),
             date_text(q.days.to), q.time_zone, q.limit, epoch(q.after_reported_at), q.after_id)) {
        fields f{row};
        return_line line;
        line.child_id = f.text();
        line.date_of_birth = f.date();
        line.episode_id = f.text();
        line.reported_at = f.time();
        line.last_seen_at = f.time();
        line.returned_at = f.optional_time();
        line.absence_kind = f.text();
        line.offered_at = f.optional_time();
        line.held_at = f.optional_time();
        line.declined_at = f.optional_time();
        lines.push_back(std::move(line));
    }
    return lines;
}

} // namespace homeward::db::stats
