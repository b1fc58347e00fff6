-- Innovation studios (创新工作室) and their outputs. Detail rows only inside $scope.

-- name: studios_by_province_level
-- Studios founded up to $year_to by province and level.
select
    s.province_code,
    s.level,
    count(*) as studios,
    origin_of(s.origin) as origin
from innovation_studio as s
where list_contains($rollup_scope, s.province_code)
    and list_contains($provinces, s.province_code)
    and list_contains($origins, s.origin)
    and s.founded_year <= $year_to
group by all
order by s.province_code, s.level;

-- name: studios_by_level
-- Studios founded up to $year_to by level (national, provincial, city, industry).
select
    s.level,
    count(*) as studios,
    origin_of(s.origin) as origin
from innovation_studio as s
where list_contains($rollup_scope, s.province_code)
    and list_contains($provinces, s.province_code)
    and list_contains($origins, s.origin)
    and s.founded_year <= $year_to
group by all
order by s.level;

-- name: studios_by_province
-- Studios founded up to $year_to by province, most first.
select
    s.province_code,
    count(*) as studios,
    origin_of(s.origin) as origin
from innovation_studio as s
where list_contains($rollup_scope, s.province_code)
    and list_contains($provinces, s.province_code)
    and list_contains($origins, s.origin)
    and s.founded_year <= $year_to
group by all
order by studios desc, s.province_code;

-- name: studios_by_industry
-- Studios founded up to $year_to by industry.
select
    s.industry,
    count(*) as studios,
    origin_of(s.origin) as origin
from innovation_studio as s
where list_contains($rollup_scope, s.province_code)
    and list_contains($provinces, s.province_code)
    and list_contains($origins, s.origin)
    and s.founded_year <= $year_to
group by all
order by studios desc, s.industry;

-- name: studio_outputs_by_year
-- Outputs by year: totals and per studio (divided by the studios reporting that year).
select
    o.year,
    count(distinct o.studio_id) as studios,
    sum(o.patents)::bigint as patents,
    sum(o.problems_solved)::bigint as problems_solved,
    sum(o.awards)::bigint as awards,
    sum(o.trainings)::bigint as trainings,
    sum(o.trainees)::bigint as trainees,
    sum(o.talents)::bigint as talents,
    round(sum(o.patents) / count(distinct o.studio_id), 2) as patents_per_studio,
    round(sum(o.trainings) / count(distinct o.studio_id), 2) as trainings_per_studio,
    round(sum(o.trainees) / count(distinct o.studio_id), 2) as trainees_per_studio,
    round(sum(o.talents) / count(distinct o.studio_id), 2) as talents_per_studio,
    round(sum(o.awards) / count(distinct o.studio_id), 2) as awards_per_studio,
    round(sum(o.problems_solved) / count(distinct o.studio_id), 2) as problems_solved_per_studio,
    origin_of(o.origin) as origin
from studio_output as o
inner join innovation_studio as s using (studio_id)
where list_contains($rollup_scope, s.province_code)
    and list_contains($provinces, s.province_code)
    and list_contains($origins, o.origin)
    and o.year between $year_from and $year_to
group by o.year
order by o.year;

-- name: studio_list
-- Studios with their outputs over the period, at most $limit rows, biggest first.
select
    s.studio_id, s.name, s.lead, s.employer, s.province_code, s.region_code, s.level, s.industry,
    s.founded_year,
    coalesce(sum(o.patents), 0)::bigint as patents,
    coalesce(sum(o.problems_solved), 0)::bigint as problems_solved,
    coalesce(sum(o.awards), 0)::bigint as awards,
    coalesce(sum(o.trainings), 0)::bigint as trainings,
    coalesce(sum(o.trainees), 0)::bigint as trainees,
    coalesce(sum(o.talents), 0)::bigint as talents,
    s.origin,
    s.fact_id
from innovation_studio as s
left join studio_output as o
    on o.studio_id = s.studio_id and o.year between $year_from and $year_to
where list_contains($scope, s.province_code)
    and list_contains($provinces, s.province_code)
    and list_contains($origins, s.origin)
    and s.founded_year <= $year_to
group by all
order by s.fact_id nulls last, trainees desc, s.studio_id
limit $limit;
