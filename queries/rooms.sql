-- Mother rooms (工会妈妈小屋 / 爱心妈咪小屋): lookup, nearest, map layers, coverage.
-- Coordinates are GCJ-02. Distances are great-circle: the haversine_m macro of schema.sql here, its twin
-- jinguo.geo.coords.haversine_m for the nearest rooms (ranked in memory from rooms_pool).
-- Every query reads rooms only inside $scope, and when $public_only is true it
-- drops internal workplace rooms and never returns the internal contact.

-- name: rooms_search
-- Rooms matching the filters, at most $limit rows. $q ('' for all) is split at
-- spaces; every word must appear in the room's name, address, city or district
-- name, so 省/市/区 may be left out ("洛阳 西工" finds 洛阳市西工区).
with r as (
    select m.*,
        c.name_zh as city_zh, c.name_short as city_short,
        d.name_zh as district_zh, d.name_short as district_short
    from filtered_rooms($scope, $public_only, $origins, $kinds, $need_lock, $need_sink, $need_fridge,
        $need_outlet, $need_seating, $need_changing, $digital_only, $navigable_only, $open_now, $weekday,
        $now_time) as m
    left join region as c on c.adcode = m.city_code
    left join region as d on d.adcode = m.district_code
    where list_contains($provinces, m.province_code)
)
select
    room_id, name, province_code, city_code, district_code, city_zh, district_zh, address, lon, lat, kind,
    has_lock, has_sink, has_fridge, has_outlet, has_seating, has_changing_table,
    open_time, close_time, open_days, opened_date, digital, navigable,
    case when $public_only then null else contact end as contact,
    service_area, origin
from r
where $q = '' or list_bool_and(list_transform(
    string_split(replace(trim($q), '　', ' '), ' '),
    lambda w: w = '' or contains(concat_ws(' ', name, address, city_zh, district_zh), w)))
order by province_code, city_code, room_id
limit $limit;

-- name: rooms_pool
-- Every room the scope may see, in room_id order, with the fields a room is shown with (the contact
-- only when not $public_only): the pool jinguo.views.nearest ranks by distance in memory, for the
-- Streamlit finder and the public finder alike. The same rooms in the same order as rooms_passing.
select
    room_id, name, province_code, city_code, district_code, address, lon, lat, kind,
    has_lock, has_sink, has_fridge, has_outlet, has_seating, has_changing_table,
    open_time, close_time, open_days, digital, navigable,
    case when $public_only then null else contact end as contact,
    service_area, origin
from mother_room
where list_contains($scope, province_code)
    and not ($public_only and internal)
order by room_id;

-- name: rooms_passing
-- For each room of rooms_pool (the same rooms, the same order): whether it passes the finder's filters
-- (filtered_rooms, the one definition of kinds, amenities, open now, digital, navigable and origins).
-- Asked once per distinct filter and minute, not per question (jinguo.views.nearest keeps the answer).
select f.room_id is not null as passes
from mother_room as m
left join filtered_rooms($scope, $public_only, $origins, $kinds, $need_lock, $need_sink, $need_fridge,
        $need_outlet, $need_seating, $need_changing, $digital_only, $navigable_only, $open_now, $weekday,
        $now_time) as f on f.room_id = m.room_id
where list_contains($scope, m.province_code)
    and not ($public_only and m.internal)
order by m.room_id;

-- name: rooms_grid
-- Rooms counted in square cells of $cell degrees (national zoom): one row per
-- cell with its centre, count and the most common kind. The number of rows is
-- bounded by the grid, not by the number of rooms.
select
    (floor(lon / $cell) + 0.5) * $cell as lon,
    (floor(lat / $cell) + 0.5) * $cell as lat,
    count(*) as rooms,
    mode(kind) as kind,
    origin_of(origin) as origin
from mother_room
where list_contains($scope, province_code)
    and not ($public_only and internal)
    and list_contains($provinces, province_code)
    and list_contains($origins, origin)
    and list_contains($kinds, kind)
group by floor(lon / $cell), floor(lat / $cell)
order by rooms desc;

-- name: rooms_count
-- How many rooms the filters select (to choose points or cells for the map).
select count(*) as rooms
from mother_room
where list_contains($scope, province_code)
    and not ($public_only and internal)
    and list_contains($provinces, province_code)
    and list_contains($origins, origin)
    and list_contains($kinds, kind);

-- name: rooms_by_province
-- Rooms by province: all, in public places, digitally managed, navigable online (a reader's
-- public view drops internal rooms).
select
    province_code,
    count(*) as rooms,
    count(*) filter (where kind = 'public') as public,
    count(*) filter (where digital) as digital,
    count(*) filter (where navigable) as navigable,
    origin_of(origin) as origin
from mother_room
where list_contains($scope, province_code)
    and not ($public_only and internal)
    and list_contains($provinces, province_code)
    and list_contains($origins, origin)
group by all
order by rooms desc, province_code;

-- name: rooms_by_kind
-- Rooms by kind over the selected provinces.
select
    kind,
    count(*) as rooms,
    origin_of(origin) as origin
from mother_room
where list_contains($scope, province_code)
    and not ($public_only and internal)
    and list_contains($provinces, province_code)
    and list_contains($origins, origin)
group by all
order by rooms desc, kind;

-- name: rooms_coverage_districts
-- For each district of one province: rooms, rooms per 10,000 women union members
-- (a demo denominator: the city's og_members split equally over its districts;
-- no district figure is reported), and the distance from the district's centroid
-- to its nearest room (null when none lies within about 50 km).
with d as (
    select adcode, name_zh, name_en, city_code, lon, lat
    from region
    where province_code = $province and level = 'district' and lon is not null
),
r as (
    select room_id, district_code, lon, lat
    from mother_room
    where list_contains($scope, province_code)
        and not ($public_only and internal)
        and province_code = $province
        and list_contains($origins, origin)
        and kind <> 'mobile_bus'
),
counts as (
    select district_code, count(*) as rooms from r group by district_code
),
nearest as (
    select d.adcode,
        min(haversine_m(d.lat, d.lon, r.lat, r.lon)) as nearest_m
    from d
    inner join r on r.lat between d.lat - 0.45 and d.lat + 0.45 and r.lon between d.lon - 0.6 and d.lon + 0.6
    group by d.adcode
),
members as (
    select region_code as city_code, arg_max(value, year) as members
    from indicator_value
    where indicator_code = 'og_members' and province_code = $province
        and list_contains($rollup_scope, province_code)
    group by region_code
),
per_city as (
    select city_code, count(*) as n_districts from d group by city_code
)
select
    d.adcode as district_code, d.name_zh, d.name_en, d.city_code, d.lon, d.lat,
    coalesce(c.rooms, 0) as rooms,
    round(m.members / pc.n_districts) as women_members,
    round(10000.0 * coalesce(c.rooms, 0) / nullif(m.members / pc.n_districts, 0), 2) as rooms_per_10k,
    round(n.nearest_m) as nearest_m,
    'demo' as origin
from d
left join counts as c on c.district_code = d.adcode
left join nearest as n on n.adcode = d.adcode
left join members as m on m.city_code = d.city_code
left join per_city as pc on pc.city_code = d.city_code
order by n.nearest_m desc nulls first, rooms, d.adcode;

-- name: rooms_extract
-- Room detail rows for an extract (public fields only when $public_only).
select
    room_id, name, province_code, city_code, district_code, address, lon, lat, 'gcj02' as crs, kind,
    has_lock, has_sink, has_fridge, has_outlet, has_seating, has_changing_table,
    open_time, close_time, open_days, opened_date, digital, navigable,
    case when $public_only then null else contact end as contact,
    origin
from mother_room
where list_contains($scope, province_code)
    and not ($public_only and internal)
    and list_contains($provinces, province_code)
    and list_contains($origins, origin)
order by room_id
limit $limit;

-- name: rooms_one
-- One room by id, inside $scope (an internal room is absent for the public), with
-- the region names for its page; the contact only when not $public_only.
select
    m.room_id, m.name, m.province_code, m.city_code, m.district_code, m.address, m.lon, m.lat, m.kind,
    m.has_lock, m.has_sink, m.has_fridge, m.has_outlet, m.has_seating, m.has_changing_table,
    m.open_time, m.close_time, m.open_days, m.digital, m.navigable, m.internal,
    case when $public_only then null else m.contact end as contact,
    m.service_area, m.origin
from mother_room as m
where m.room_id = $room_id
    and list_contains($scope, m.province_code)
    and not ($public_only and m.internal);

-- name: rooms_mobile_near
-- Mobile rooms (buses) serving district $district of city $city (bus_service: its service area lists
-- the district or the city, or, with none, its base is in the city), those listing the district first.
-- Never ranked by distance: a bus is not at its base.
with s as (
    select room_id, bool_or(code = $district) as direct
    from bus_service($scope, $public_only, $origins)
    where code = $district or code = $city
    group by room_id
)
select
    m.room_id, m.name, m.province_code, m.city_code, m.district_code, m.address, m.lon, m.lat, m.kind,
    m.has_lock, m.has_sink, m.has_fridge, m.has_outlet, m.has_seating, m.has_changing_table,
    m.open_time, m.close_time, m.open_days, m.digital, m.navigable,
    m.service_area, m.origin
from s
inner join mother_room as m on m.room_id = s.room_id
order by s.direct desc, m.room_id
limit $n;

-- name: rooms_mobile_all
-- rooms_mobile_near for every district at once (the public finder keeps it per database file instead of
-- asking per district): each district's first $n buses, in rooms_mobile_near's order, with the district.
with d as (
    select adcode as district, substr(adcode, 1, 4) || '00' as city
    from region
    where level = 'district'
),
b as (
    select room_id, code from bus_service($scope, $public_only, $origins)
),
s as (
    select district, room_id, bool_or(direct) as direct
    from (
        select d.district, b.room_id, true as direct from d inner join b on b.code = d.district
        union all
        select d.district, b.room_id, false as direct from d inner join b on b.code = d.city
    )
    group by district, room_id
),
ranked as (
    select *, row_number() over (partition by district order by direct desc, room_id) as pos from s
)
select
    r.district, m.room_id, m.name, m.province_code, m.city_code, m.district_code, m.address, m.lon, m.lat,
    m.kind, m.has_lock, m.has_sink, m.has_fridge, m.has_outlet, m.has_seating, m.has_changing_table,
    m.open_time, m.close_time, m.open_days, m.digital, m.navigable,
    m.service_area, m.origin
from ranked as r
inner join mother_room as m on m.room_id = r.room_id
where r.pos <= $n
order by r.district, r.pos;
