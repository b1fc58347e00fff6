-- Reference data: regions and the reported facts of the source document.

-- name: provinces
-- Province-level units (mainland first), with names in both languages.
select adcode, name_zh, name_short, name_en, mainland, lon, lat
from region
where level = 'province'
order by not mainland, adcode;

-- name: region_names
-- Every region's names, for labelling rollups.
select adcode, level, name_zh, name_short, name_en, province_code, lon, lat
from region
order by adcode;

-- name: reported_facts
-- The source document's figures; $q ('' for all) matches reporter, quote,
-- subject, indicator name or fact id, case-insensitively, as plain text.
select
    f.fact_id, f.reporter, f.region_code, r.name_zh as region_zh, r.name_en as region_en,
    f.indicator_code, i.name_zh as indicator_zh, i.name_en as indicator_en,
    f.period_start, f.period_end, f.value, f.unit, f.qualifier, f.quote,
    c.subject, c.note, 'reported' as origin
from reported_fact as f
left join reported_fact_context as c using (fact_id)
left join region as r on r.adcode = f.region_code
left join indicator as i on i.code = f.indicator_code
where $q = ''
    or contains(lower(concat_ws(' ', f.fact_id, f.reporter, f.quote, c.subject, i.name_zh, i.name_en,
                                 r.name_zh, r.name_en)), lower($q))
order by f.fact_id;

-- name: reported_facts_for
-- Facts behind one indicator (for a chart's reported points).
select
    f.fact_id, f.reporter, f.region_code, f.indicator_code, f.period_start, f.period_end,
    f.value, f.unit, f.qualifier, f.quote, 'reported' as origin
from reported_fact as f
left join reported_fact_context as c using (fact_id)
where f.indicator_code = $indicator and c.subject is null
order by f.period_end, f.region_code;
