-- Detail-backed rows of indicator_value, city x year, from the detail tables.
-- Run by the build and after every import (jinguo.build.derive_detail_indicators).
-- origin: 'imported' when any contributing row was imported, 'reported' when all
-- were reported, else 'demo'.
-- Years come from the data: from the first year any flow is recorded (an event, a studio output, a
-- register's indicator value) to the last year anything is recorded (a room opened, a studio founded
-- too), so an import for 2025 extends every derived series to 2025. Stocks (rooms, studios) are
-- counted for each of those years.
insert into indicator_value
with
flow_years as (
    select year(event_date)::integer as year from matchmaking_event
    union all select year from studio_output
    union all select year from indicator_value
),
stock_years as (
    select year(opened_date)::integer as year from mother_room
    union all select founded_year from innovation_studio
),
bounds as (
    select
        coalesce((select min(year) from flow_years), (select max(year) from stock_years)) as first_year,
        greatest((select max(year) from flow_years), (select max(year) from stock_years)) as last_year
),
years as (
    select range::integer as year from bounds, range(bounds.first_year, bounds.last_year + 1)
),
events as (
    select
        city_code,
        province_code,
        year(event_date)::integer as year,
        count(*) as mm_events,
        sum(participants) as mm_participants,
        sum(pairs) as mm_pairs,
        sum(matchmakers) as mm_matchmakers,
        sum(units) as mm_units,
        case when bool_or(origin = 'imported') then 'imported'
             when bool_and(origin = 'reported') then 'reported' else 'demo' end as origin
    from matchmaking_event
    group by all
),
rooms as (
    select
        r.city_code,
        r.province_code,
        y.year,
        count(*) filter (where r.kind <> 'mobile_bus') as mr_rooms,
        count(*) filter (where r.kind = 'public') as mr_public_rooms,
        count(*) filter (where r.digital and r.kind <> 'mobile_bus') as mr_digital_rooms,
        count(*) filter (where r.navigable) as mr_navigable_rooms,
        count(*) filter (where r.kind = 'mobile_bus') as mr_mobile_rooms,
        count(*) filter (where r.kind <> 'mobile_bus' and year(r.opened_date) = y.year) as mr_new_rooms,
        case when bool_or(r.origin = 'imported') then 'imported' else 'demo' end as origin
    from mother_room as r
    inner join years as y on r.opened_date <= make_date(y.year, 12, 31)
    group by all
),
studios as (
    select
        s.region_code as city_code,
        s.province_code,
        y.year,
        count(*) as in_studios,
        count(*) filter (where s.level = 'provincial') as in_studios_provincial,
        count(*) filter (where s.level in ('city', 'industry')) as in_studios_city_industry,
        case when bool_or(s.origin = 'imported') then 'imported' else 'demo' end as origin
    from innovation_studio as s
    inner join years as y on s.founded_year <= y.year
    group by all
),
outputs as (
    select
        s.region_code as city_code,
        s.province_code,
        o.year,
        sum(o.trainings) as in_trainings,
        sum(o.trainees) as in_trainees,
        sum(o.talents) as in_talents,
        sum(o.patents) as in_patents,
        sum(o.awards) as in_awards,
        sum(o.problems_solved) as in_problems_solved,
        case when bool_or(o.origin = 'imported') then 'imported' else 'demo' end as origin
    from studio_output as o
    inner join innovation_studio as s using (studio_id)
    inner join years as y on y.year = o.year
    group by all
),
long as (
    unpivot events on mm_events, mm_participants, mm_pairs, mm_matchmakers, mm_units
        into name indicator_code value value
    union all by name
    unpivot rooms on mr_rooms, mr_public_rooms, mr_digital_rooms, mr_navigable_rooms,
        mr_mobile_rooms, mr_new_rooms into name indicator_code value value
    union all by name
    unpivot studios on in_studios, in_studios_provincial, in_studios_city_industry
        into name indicator_code value value
    union all by name
    unpivot outputs on in_trainings, in_trainees, in_talents, in_patents, in_awards,
        in_problems_solved into name indicator_code value value
),
final as (
    select
        l.indicator_code,
        l.city_code as region_code,
        l.province_code,
        l.year,
        l.value::double as value,
        l.origin
    from long as l
    inner join region as g on g.adcode = l.city_code
    inner join years as y on y.year = l.year
)
select indicator_code, region_code, province_code, year, value, origin from final
