-- Schema of data/jinguo.duckdb. Every table that holds figures has an `origin`
-- column: 'reported' (from the source document, with its quote), 'demo'
-- (generated, labelled everywhere) or 'imported' (loaded by a data officer).
-- Coordinates are stored in GCJ-02 (see README, "Coordinates").

create table region (
    adcode varchar primary key,          -- 6-digit GB/T 2260 code
    parent_code varchar,                 -- province for a city, city (or province) for a district
    level varchar not null check (level in ('province', 'city', 'district')),
    name_zh varchar not null,
    name_short varchar not null,         -- name without 省/市/自治区… suffix, for matching
    name_en varchar not null,
    province_code varchar not null,
    city_code varchar,                   -- null for provinces
    lon double,
    lat double,
    mainland boolean not null default true
);

create table indicator (
    code varchar primary key,
    theme varchar not null check (theme in ('matchmaking', 'mother_rooms', 'innovation',
        'childcare', 'rights', 'organisation', 'psych_care', 'skills')),
    name_zh varchar not null,
    name_en varchar not null,
    unit_zh varchar not null,
    unit_en varchar not null,
    agg varchar not null check (agg in ('flow', 'stock', 'ratio')),
    numerator varchar,                   -- ratio only: recomputed from summed parts
    denominator varchar,
    factor double,                       -- ratio = factor * sum(numerator) / sum(denominator)
    detail_table varchar,                -- derived from this detail table when set
    headline boolean not null default false
);

-- One row per indicator x city x year (city level; provinces are rolled up in SQL).
create table indicator_value (
    indicator_code varchar not null references indicator (code),
    region_code varchar not null references region (adcode),
    province_code varchar not null,
    year integer not null,
    value double not null,
    origin varchar not null check (origin in ('reported', 'demo', 'imported')),
    primary key (indicator_code, region_code, year)
);

create table reported_fact (
    fact_id varchar primary key,
    reporter varchar not null,
    region_code varchar not null,
    indicator_code varchar references indicator (code),
    period_start date not null,
    period_end date not null,
    value double not null,
    unit varchar not null,
    qualifier varchar not null check (qualifier in ('exact', 'approx', 'at_least')),
    quote varchar not null
);

-- What a reported figure is about when it is not a region total, and notes on
-- how it was read (an assumed period, say).
create table reported_fact_context (
    fact_id varchar primary key references reported_fact (fact_id),
    subject varchar,                     -- a person, studio, company or event; null for region totals
    note varchar,
    scope varchar check (scope in ('network')),  -- null: the region; network: the subject's whole
                                                 -- national network (region_code 100000)
    assumed varchar                      -- what the reading assumed: 'period', 'unit' or 'period;unit'
);

-- How each reported figure was read, in words to show beside it (zh and en): its scope (a region,
-- or a company's whole network, e.g. 中通快递（全网）), an assumed period or unit, and a unit that
-- differs from its indicator's (个 read as 期, 人 as 人次).
create view reported_fact_reading as
with base as (
    select
        f.fact_id,
        c.subject,
        c.note,
        c.scope,
        i.name_zh as indicator_zh,
        i.name_en as indicator_en,
        case when c.scope = 'network' then c.subject || '（全网）' else r.name_zh end as region_zh,
        case when c.scope = 'network' then c.subject || ' (whole network)' else r.name_en end as region_en,
        case when f.period_start = f.period_end then strftime(f.period_end, '%Y-%m-%d')
            else strftime(f.period_start, '%Y-%m-%d') || '–' || strftime(f.period_end, '%Y-%m-%d')
        end as period_text,
        contains(coalesce(c.assumed, ''), 'period') as period_assumed,
        contains(coalesce(c.assumed, ''), 'unit') as unit_assumed,
        f.unit,
        i.unit_zh as indicator_unit_zh,
        i.unit_en as indicator_unit_en,
        i.unit_zh is not null and i.unit_zh <> f.unit as unit_differs
    from reported_fact as f
    left join reported_fact_context as c using (fact_id)
    left join region as r on r.adcode = f.region_code
    left join indicator as i on i.code = f.indicator_code
)
select
    fact_id, subject, note, scope, indicator_zh, indicator_en, region_zh, region_en,
    concat_ws('；',
        case when period_assumed then '期间为推定：' || period_text end,
        case when unit_assumed then '单位为推定：' || unit end,
        case when unit_differs then '原文单位“' || unit || '”，指标按“' || indicator_unit_zh || '”计' end
    ) as assumption_zh,
    concat_ws('; ',
        case when period_assumed then 'period assumed: ' || period_text end,
        case when unit_assumed then 'unit assumed: ' || unit end,
        case when unit_differs then 'reported in “' || unit || '”, counted as ' || indicator_unit_en end
    ) as assumption_en
from base;

create table matchmaking_event (
    event_id varchar primary key,
    event_date date not null,
    province_code varchar not null,
    city_code varchar not null,
    format varchar not null check (format in ('online', 'offline', 'tv')),
    session_type varchar not null,       -- 综合联谊, 军警专场, 读书会, 假面舞会, 星空下午茶 …
    organiser varchar not null,
    matchmakers integer not null check (matchmakers >= 0),
    units integer not null check (units >= 0),
    participants integer not null check (participants >= 0),
    pairs integer not null check (pairs >= 0 and 2 * pairs <= participants),
    origin varchar not null check (origin in ('reported', 'demo', 'imported')),
    fact_id varchar                      -- set where the row is a reported case
);

create table mother_room (
    room_id varchar primary key,
    name varchar not null,
    province_code varchar not null,
    city_code varchar not null,
    district_code varchar,
    address varchar not null,
    lon double not null,                 -- GCJ-02
    lat double not null,                 -- GCJ-02
    crs_in varchar not null check (crs_in in ('wgs84', 'gcj02', 'bd09')),
    kind varchar not null check (kind in ('workplace_room', 'workplace_corner',
        'workplace_box', 'public', 'mobile_bus')),
    has_lock boolean not null,
    has_sink boolean not null,
    has_fridge boolean not null,
    has_outlet boolean not null,
    has_seating boolean not null,
    has_changing_table boolean not null,
    open_time time,                      -- null with close_time null: open around the clock
    close_time time,
    open_days varchar not null default '1234567',  -- ISO weekdays on which it opens
    opened_date date not null,
    digital boolean not null,
    navigable boolean not null,
    internal boolean not null default false,       -- workplace room not open to the public
    contact varchar,                               -- internal contact, never shown publicly
    origin varchar not null check (origin in ('reported', 'demo', 'imported')),
    -- a mobile room (bus) has no fixed place: the adcodes (comma-separated) of the districts or cities
    -- its route serves; null for fixed rooms (optional in imports)
    service_area varchar
);

create table innovation_studio (
    studio_id varchar primary key,
    name varchar not null,
    lead varchar not null,
    employer varchar not null,
    province_code varchar not null,
    region_code varchar not null,
    level varchar not null check (level in ('national', 'provincial', 'city', 'industry')),
    industry varchar not null,
    founded_year integer not null,
    origin varchar not null check (origin in ('reported', 'demo', 'imported')),
    fact_id varchar
);

create table studio_output (
    studio_id varchar not null,          -- innovation_studio.studio_id (no FK: imports replace studios and outputs in one transaction)
    year integer not null,
    patents integer not null check (patents >= 0),
    problems_solved integer not null check (problems_solved >= 0),
    awards integer not null check (awards >= 0),
    trainings integer not null check (trainings >= 0),
    trainees integer not null check (trainees >= 0),
    talents integer not null check (talents >= 0),
    origin varchar not null check (origin in ('reported', 'demo', 'imported')),
    primary key (studio_id, year)
);

create table import_log (
    import_id varchar primary key,
    imported_at timestamp not null,
    dataset varchar not null,
    file_name varchar not null,
    sha256 varchar not null,
    rows_added integer not null,
    rows_updated integer not null,
    rows_unchanged integer not null,
    rows_rejected integer not null,
    user_name varchar
);

create table build_info (
    key varchar primary key,
    value varchar not null
);

-- The selected indicators of the catalogue, with how each aggregates.
create macro indicator_selection(codes) as table
    select code, agg, numerator, denominator, factor from indicator where list_contains(codes, code);

-- The base indicators behind each selected indicator: itself for a flow or a
-- stock ('self'), its numerator ('num') and denominator ('den') for a ratio;
-- base_agg says how the base itself aggregates over years (flow or stock).
create macro indicator_parts(codes) as table
    select p.base, p.target, p.role, b.agg as base_agg
    from (
        select code as base, code as target, 'self' as role from indicator
        where list_contains(codes, code) and agg <> 'ratio'
        union all
        select numerator, code, 'num' from indicator where list_contains(codes, code) and agg = 'ratio'
        union all
        select denominator, code, 'den' from indicator where list_contains(codes, code) and agg = 'ratio'
    ) as p
    inner join indicator as b on b.code = p.base;

-- Aggregate: a selected indicator's value from its parts' rows (role, value): the value itself for a
-- flow or a stock, factor x numerator / denominator for a ratio (recomputed, never averaged).
create macro indicator_value_of(role, value, factor) as coalesce(
    max(value) filter (where role = 'self'),
    any_value(factor) * max(value) filter (where role = 'num') / nullif(max(value) filter (where role = 'den'), 0));

-- Small cells (issue 12): a rollup figure of fewer than 3 events that takes in a province outside the
-- reader's own detail scope is withheld (NULL), so another province's viewer cannot read one event's
-- figures from it. ``outside`` is bool_or(not list_contains($scope, province_code)) over the cell.
create macro small_cell(value, events, outside) as case when events < 3 and outside then null else value end;

-- Matchmaking events with ``outside``: the event's province is not in the reader's detail scope.
create macro matchmaking_event_seen(scope) as table
    select *, not list_contains(scope, province_code) as outside from matchmaking_event;

-- Aggregate: the origins of the rows behind a figure, as 'demo+reported'.
create macro origin_of(origin) as array_to_string(list_sort(list(distinct origin)), '+');

-- Aggregate: the sorted, distinct union of lists of origins.
create macro origins_union(origin_lists) as list_sort(list_distinct(flatten(list(origin_lists))));

-- Great-circle distance in metres between two points (degrees) on a sphere of radius 6371008.8 m,
-- the same as jinguo.coords.haversine_m.
create macro haversine_m(lat1, lon1, lat2, lon2) as 2 * 6371008.8 * asin(sqrt(
    pow(sin(radians(lat2 - lat1) / 2), 2)
    + cos(radians(lat1)) * cos(radians(lat2)) * pow(sin(radians(lon2 - lon1) / 2), 2)));

-- What each mobile room (bus) a reader may see serves: one row per code its service area lists (a
-- district or a city), or its base city when it lists none. A bus serves district d of city c when one
-- of its codes is d or c, and serves d directly when one is d (rooms_mobile_near, rooms_mobile_all).
create macro bus_service(scope, public_only, origins) as table
    select m.room_id, s.code
    from mother_room as m,
        unnest(case when m.service_area is null then [m.city_code]
            else string_split(m.service_area, ',') end) as s(code)
    where list_contains(scope, m.province_code)
        and not (public_only and m.internal)
        and list_contains(origins, m.origin)
        and m.kind = 'mobile_bus';

-- Mother rooms a reader may see that pass the lookup filters (kind, amenities, open now, digital,
-- navigable). Shared by the search and the nearest-room queries; the caller's $scope and
-- $public_only are passed in, so the scope still travels with every query.
create macro filtered_rooms(scope, public_only, origins, kinds, need_lock, need_sink, need_fridge,
        need_outlet, need_seating, need_changing, digital_only, navigable_only, open_now, weekday,
        now_time) as table
    select * from mother_room as m
    where list_contains(scope, m.province_code)
        and not (public_only and m.internal)
        and list_contains(origins, m.origin)
        and list_contains(kinds, m.kind)
        and (not need_lock or m.has_lock) and (not need_sink or m.has_sink)
        and (not need_fridge or m.has_fridge) and (not need_outlet or m.has_outlet)
        and (not need_seating or m.has_seating) and (not need_changing or m.has_changing_table)
        and (not digital_only or m.digital) and (not navigable_only or m.navigable)
        and (not open_now or (contains(m.open_days, weekday)
            and (m.open_time is null or (now_time >= m.open_time and now_time < m.close_time))));
