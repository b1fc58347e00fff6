-- Matchmaking (婚恋交友) rollups from the event table. Rollups are read inside
-- $rollup_scope (every province a viewer may compare); event rows only inside $scope.
-- Match rate = 2 x pairs / participants x 100: the share of participants who
-- left with a match, recomputed from summed parts, never averaged.
-- A cell of fewer than 3 events that takes in a province outside $scope is withheld (small_cell in
-- schema.sql): its figures are NULL and ``withheld`` is true, for the page to say so.

-- name: matchmaking_by_province_year
-- Events, participants, pairs, matchmakers and units by province and year.
select
    e.province_code,
    year(e.event_date)::integer as year,
    count(*) as events,
    small_cell(sum(e.participants), count(*), bool_or(e.outside))::bigint as participants,
    small_cell(sum(e.pairs), count(*), bool_or(e.outside))::bigint as pairs,
    small_cell(round(200.0 * sum(e.pairs) / nullif(sum(e.participants), 0), 1), count(*), bool_or(e.outside))
        as match_rate,
    count(*) < 3 and bool_or(e.outside) as withheld,
    small_cell(sum(e.matchmakers), count(*), bool_or(e.outside))::bigint as matchmakers,
    small_cell(sum(e.units), count(*), bool_or(e.outside))::bigint as units,
    origin_of(e.origin) as origin
from matchmaking_event_seen($scope) as e
where list_contains($rollup_scope, e.province_code)
    and list_contains($provinces, e.province_code)
    and list_contains($origins, e.origin)
    and year(e.event_date) between $year_from and $year_to
group by all
order by e.province_code, year;

-- name: matchmaking_total
-- Events, participants, pairs and match rate over the whole selection (the page's headline figures).
select
    count(*) as events,
    small_cell(sum(e.participants), count(*), bool_or(e.outside))::bigint as participants,
    small_cell(sum(e.pairs), count(*), bool_or(e.outside))::bigint as pairs,
    small_cell(round(200.0 * sum(e.pairs) / nullif(sum(e.participants), 0), 1), count(*), bool_or(e.outside))
        as match_rate,
    coalesce(count(*) < 3 and bool_or(e.outside), false) as withheld,
    origin_of(e.origin) as origin
from matchmaking_event_seen($scope) as e
where list_contains($rollup_scope, e.province_code)
    and list_contains($provinces, e.province_code)
    and list_contains($origins, e.origin)
    and year(e.event_date) between $year_from and $year_to;

-- name: matchmaking_by_province
-- Events, participants, pairs and match rate by province over the period, most participants first.
select
    e.province_code,
    count(*) as events,
    small_cell(sum(e.participants), count(*), bool_or(e.outside))::bigint as participants,
    small_cell(sum(e.pairs), count(*), bool_or(e.outside))::bigint as pairs,
    small_cell(round(200.0 * sum(e.pairs) / nullif(sum(e.participants), 0), 1), count(*), bool_or(e.outside))
        as match_rate,
    count(*) < 3 and bool_or(e.outside) as withheld,
    origin_of(e.origin) as origin
from matchmaking_event_seen($scope) as e
where list_contains($rollup_scope, e.province_code)
    and list_contains($provinces, e.province_code)
    and list_contains($origins, e.origin)
    and year(e.event_date) between $year_from and $year_to
group by all
order by participants desc, e.province_code;

-- name: matchmaking_by_year
-- Events, participants, pairs and match rate by year over the selected provinces.
select
    year(e.event_date)::integer as year,
    count(*) as events,
    small_cell(sum(e.participants), count(*), bool_or(e.outside))::bigint as participants,
    small_cell(sum(e.pairs), count(*), bool_or(e.outside))::bigint as pairs,
    small_cell(round(200.0 * sum(e.pairs) / nullif(sum(e.participants), 0), 1), count(*), bool_or(e.outside))
        as match_rate,
    count(*) < 3 and bool_or(e.outside) as withheld,
    origin_of(e.origin) as origin
from matchmaking_event_seen($scope) as e
where list_contains($rollup_scope, e.province_code)
    and list_contains($provinces, e.province_code)
    and list_contains($origins, e.origin)
    and year(e.event_date) between $year_from and $year_to
group by all
order by year;

-- name: matchmaking_by_city
-- One province's cities over the period.
select
    e.city_code,
    count(*) as events,
    small_cell(sum(e.participants), count(*), bool_or(e.outside))::bigint as participants,
    small_cell(sum(e.pairs), count(*), bool_or(e.outside))::bigint as pairs,
    small_cell(round(200.0 * sum(e.pairs) / nullif(sum(e.participants), 0), 1), count(*), bool_or(e.outside))
        as match_rate,
    count(*) < 3 and bool_or(e.outside) as withheld,
    origin_of(e.origin) as origin
from matchmaking_event_seen($scope) as e
where list_contains($rollup_scope, e.province_code)
    and e.province_code = $province
    and list_contains($origins, e.origin)
    and year(e.event_date) between $year_from and $year_to
group by all
order by participants desc, e.city_code;

-- name: matchmaking_by_kind
-- Events over the period by $by: 'format' (online, offline, TV) or
-- 'session_type' (军警专场, 读书会, 假面舞会 …).
select
    case $by when 'format' then e.format when 'session_type' then e.session_type end as kind,
    count(*) as events,
    small_cell(sum(e.participants), count(*), bool_or(e.outside))::bigint as participants,
    small_cell(sum(e.pairs), count(*), bool_or(e.outside))::bigint as pairs,
    small_cell(round(200.0 * sum(e.pairs) / nullif(sum(e.participants), 0), 1), count(*), bool_or(e.outside))
        as match_rate,
    count(*) < 3 and bool_or(e.outside) as withheld,
    origin_of(e.origin) as origin
from matchmaking_event_seen($scope) as e
where list_contains($rollup_scope, e.province_code)
    and list_contains($provinces, e.province_code)
    and list_contains($origins, e.origin)
    and year(e.event_date) between $year_from and $year_to
    and $by in ('format', 'session_type')
group by all
order by events desc, kind;

-- name: matchmaking_events
-- Event rows for an extract or a table, newest first, at most $limit rows.
select
    e.event_id, e.event_date, e.province_code, e.city_code, e.format, e.session_type, e.organiser,
    e.matchmakers, e.units, e.participants, e.pairs,
    round(200.0 * e.pairs / nullif(e.participants, 0), 1) as match_rate,
    e.origin, e.fact_id
from matchmaking_event as e
where list_contains($scope, e.province_code)
    and list_contains($provinces, e.province_code)
    and list_contains($origins, e.origin)
    and year(e.event_date) between $year_from and $year_to
order by e.event_date desc, e.event_id
limit $limit;

-- name: matchmaking_reported_events
-- Events that reproduce a case of the source document, with the facts behind them.
select
    e.event_id, e.event_date, e.province_code, e.city_code, e.format, e.session_type, e.organiser,
    e.matchmakers, e.units, e.participants, e.pairs,
    round(200.0 * e.pairs / nullif(e.participants, 0), 1) as match_rate,
    e.origin, e.fact_id
from matchmaking_event as e
where list_contains($scope, e.province_code)
    and e.origin = 'reported'
order by e.event_date, e.event_id;
