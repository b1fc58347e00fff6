-- Writer-side queries of the importer (jinguo/ingest). They read every province on purpose: to
-- resolve regions, and to check which province a row's id belongs to. Readers never run them.

-- name: ingest_regions
-- Every region, for resolving a region cell (code, full, short or English name).
select adcode, level, name_zh, name_short, name_en, province_code, city_code from region

-- name: ingest_region_levels
-- Level and city of every region, to split a room's region into city and district.
select adcode, level, city_code from region

-- name: ingest_importable_indicators
-- Indicators a register may carry directly: not derived from a detail table, not a ratio.
select code from indicator where detail_table is null and agg <> 'ratio'

-- name: ingest_studio_provinces
-- Every studio's province (studio outputs take their studio's province).
select studio_id, province_code from innovation_studio

-- name: ingest_replace_demo_studio_outputs
-- Imported studios replace the demo studios of their cities, with those studios' outputs.
delete from studio_output where studio_id in (select studio_id from innovation_studio
    where origin = 'demo' and region_code in (select distinct region_code from _new))

-- name: ingest_replace_demo_studios
delete from innovation_studio where origin = 'demo' and region_code in (select distinct region_code from _new)

-- name: ingest_replace_demo_mother_rooms
-- Imported rooms replace the demo rooms of the cities they cover.
delete from mother_room where origin = 'demo' and city_code in (select distinct city_code from _new)

-- name: ingest_replace_demo_matchmaking_events
delete from matchmaking_event where origin = 'demo' and city_code in (select distinct city_code from _new)

-- name: ingest_log
insert into import_log values ($import_id, $imported_at, $dataset, $file_name, $sha256, $added, $updated,
    $unchanged, $rejected, $user_name)

-- name: ingest_set_registers_digest
-- Which register batches the analytics file holds (compared with the manifest by is_stale).
insert or replace into build_info values ('registers', $digest)

-- name: ingest_owner_mother_rooms
-- The province each already-stored id of the file belongs to (the file's ids are registered as _ids).
select i.id, t.province_code from _ids as i inner join mother_room as t on t.room_id = i.id

-- name: ingest_owner_matchmaking_events
select i.id, t.province_code from _ids as i inner join matchmaking_event as t on t.event_id = i.id

-- name: ingest_owner_studios
select i.id, t.province_code from _ids as i inner join innovation_studio as t on t.studio_id = i.id

-- name: ingest_foreign_mother_rooms
-- Staged rows that would replace a row of another province (checked again at load time, under the lock).
select count(*) from _new as n inner join mother_room as t on t.room_id = n.room_id
where t.province_code <> $province

-- name: ingest_foreign_matchmaking_events
select count(*) from _new as n inner join matchmaking_event as t on t.event_id = n.event_id
where t.province_code <> $province

-- name: ingest_foreign_studios
select count(*) from _new as n inner join innovation_studio as t on t.studio_id = n.studio_id
where t.province_code <> $province

-- name: ingest_foreign_studio_outputs
select count(*) from _new as n inner join innovation_studio as s on s.studio_id = n.studio_id
where s.province_code <> $province
