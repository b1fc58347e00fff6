-- Rollups of the indicator catalogue by province and year.
-- indicator_value holds one row per indicator x city x year; provinces and the
-- national total are summed here. How a figure aggregates comes from the
-- catalogue: a flow is summed over years, a stock is taken at the end of the
-- period, and a ratio is recomputed from its summed parts (never averaged).
-- Every query binds $rollup_scope (the provinces the reader may compare).

-- name: indicator_by_year
-- Indicators by province and year, plus national rows (province_code '100000')
-- summed over the selected provinces, with the previous year's value, the
-- year-on-year change, the rank among provinces and the share of the total.
with sel as (
    select * from indicator_selection($indicators)
),
parts as (
    select * from indicator_parts($indicators)
),
v as (
    select
        p.target,
        p.role,
        coalesce(iv.province_code, '100000') as province_code,
        iv.year,
        sum(iv.value) as value,
        list(distinct iv.origin) as origins
    from parts as p
    inner join indicator_value as iv on iv.indicator_code = p.base
    where list_contains($rollup_scope, iv.province_code)
        and list_contains($provinces, iv.province_code)
        and list_contains($origins, iv.origin)
        and iv.year between $year_from - 1 and $year_to
    group by grouping sets ((p.target, p.role, iv.province_code, iv.year), (p.target, p.role, iv.year))
),
w as (
    select
        v.target as indicator_code,
        v.province_code,
        v.year,
        indicator_value_of(v.role, v.value, s.factor) as value,
        origins_union(v.origins) as origins
    from v
    inner join sel as s on s.code = v.target
    group by all
),
y as (
    select
        *,
        lag(value) over (partition by indicator_code, province_code order by year) as prev_value,
        year - lag(year) over (partition by indicator_code, province_code order by year) as prev_gap
    from w
)
select
    y.indicator_code,
    y.province_code,
    y.year,
    y.value,
    case when y.prev_gap = 1 then y.prev_value end as prev_value,
    case when y.prev_gap = 1 and y.prev_value <> 0
        then 100.0 * (y.value - y.prev_value) / y.prev_value end as yoy_pct,
    case when y.province_code <> '100000' then
        rank() over (partition by y.indicator_code, y.year, y.province_code = '100000'
                     order by y.value desc nulls last) end as rank,
    case when s.agg <> 'ratio' and y.province_code <> '100000' then 100.0 * y.value / nullif(
        max(case when y.province_code = '100000' then y.value end)
            over (partition by y.indicator_code, y.year), 0) end as share_pct,
    array_to_string(y.origins, '+') as origin
from y
inner join sel as s on s.code = y.indicator_code
where y.year between $year_from and $year_to
order by y.indicator_code, y.province_code, y.year;

-- name: indicator_by_period
-- Indicators by province over the whole period: a flow summed over the years,
-- a stock at the last year with data, a ratio from its parts aggregated so.
-- National rows have province_code '100000'.
with sel as (
    select * from indicator_selection($indicators)
),
parts as (
    select * from indicator_parts($indicators)
),
yearly as (
    select
        p.target,
        p.role,
        p.base_agg,
        iv.province_code,
        iv.year,
        sum(iv.value) as value,
        list(distinct iv.origin) as origins
    from parts as p
    inner join indicator_value as iv on iv.indicator_code = p.base
    where list_contains($rollup_scope, iv.province_code)
        and list_contains($provinces, iv.province_code)
        and list_contains($origins, iv.origin)
        and iv.year between $year_from and $year_to
    group by all
),
period as (
    select
        target,
        role,
        province_code,
        case when any_value(base_agg) = 'stock' then arg_max(value, year) else sum(value) end as value,
        max(year) as last_year,
        origins_union(origins) as origins
    from yearly
    group by target, role, province_code
),
national as (
    select target, role, '100000' as province_code, sum(value) as value, max(last_year) as last_year,
        origins_union(origins) as origins
    from period
    group by target, role
),
both_levels as (
    select * from period
    union all
    select * from national
),
w as (
    select
        b.target as indicator_code,
        b.province_code,
        indicator_value_of(b.role, b.value, s.factor) as value,
        max(b.last_year) as last_year,
        origins_union(b.origins) as origins
    from both_levels as b
    inner join sel as s on s.code = b.target
    group by all
)
select
    w.indicator_code,
    w.province_code,
    w.value,
    w.last_year,
    case when w.province_code <> '100000' then
        rank() over (partition by w.indicator_code, w.province_code = '100000'
                     order by w.value desc nulls last) end as rank,
    case when s.agg <> 'ratio' and w.province_code <> '100000' then 100.0 * w.value / nullif(
        max(case when w.province_code = '100000' then w.value end)
            over (partition by w.indicator_code), 0) end as share_pct,
    array_to_string(w.origins, '+') as origin
from w
inner join sel as s on s.code = w.indicator_code
order by w.indicator_code, w.province_code;

-- name: indicator_by_city
-- One province's cities for the selected indicators over the period (flows
-- summed, stocks at the last year, ratios from parts).
with sel as (
    select * from indicator_selection($indicators)
),
parts as (
    select * from indicator_parts($indicators)
),
yearly as (
    select p.target, p.role, p.base_agg, iv.region_code, iv.year, iv.value, iv.origin
    from parts as p
    inner join indicator_value as iv on iv.indicator_code = p.base
    where list_contains($rollup_scope, iv.province_code)
        and iv.province_code = $province
        and list_contains($origins, iv.origin)
        and iv.year between $year_from and $year_to
),
period as (
    select target, role, region_code,
        case when any_value(base_agg) = 'stock' then arg_max(value, year) else sum(value) end as value,
        list(distinct origin) as origins
    from yearly
    group by target, role, region_code
)
select
    p.target as indicator_code,
    p.region_code,
    indicator_value_of(p.role, p.value, s.factor) as value,
    array_to_string(origins_union(p.origins), '+') as origin
from period as p
inner join sel as s on s.code = p.target
group by p.target, p.region_code
order by p.target, value desc;

-- name: indicator_catalogue
-- The indicator catalogue with how each figure aggregates.
select code, theme, name_zh, name_en, unit_zh, unit_en, agg, numerator, denominator, factor,
    detail_table, headline
from indicator
order by theme, code;

-- name: years_available
-- First and last year with indicator values.
select min(year) as year_min, max(year) as year_max
from indicator_value
where list_contains($rollup_scope, province_code);

-- name: origins_present
-- Which kinds of rows (reported, demo, imported) the reader's rollups hold: the overview says
-- "demo data" only where there are demo rows, and "nothing imported yet" in production before imports.
select distinct origin from indicator_value where list_contains($rollup_scope, province_code) order by origin
