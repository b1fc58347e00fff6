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
-- region_zh/region_en name the figure's scope (中通快递（全网） for a company's whole network);
-- assumption_zh/assumption_en say what the reading assumed, to show beside the value.
select
    f.fact_id, f.reporter, f.region_code, g.region_zh, g.region_en,
    f.indicator_code, g.indicator_zh, g.indicator_en,
    f.period_start, f.period_end, f.value, f.unit, f.qualifier, g.assumption_zh, g.assumption_en, f.quote,
    g.subject, g.note, g.scope, 'reported' as origin
from reported_fact as f
inner join reported_fact_reading as g using (fact_id)
where $q = ''
    or contains(lower(concat_ws(' ', f.fact_id, f.reporter, f.quote, g.subject, g.indicator_zh, g.indicator_en,
                                 g.region_zh, g.region_en)), lower($q))
order by f.fact_id;

-- name: reported_facts_for
-- Facts behind one indicator (for a chart's reported points).
select
    f.fact_id, f.reporter, f.region_code, f.indicator_code, f.period_start, f.period_end,
    f.value, f.unit, f.qualifier, g.assumption_zh, g.assumption_en, f.quote, 'reported' as origin
from reported_fact as f
inner join reported_fact_reading as g using (fact_id)
where f.indicator_code = $indicator and g.subject is null
order by f.period_end, f.region_code;
