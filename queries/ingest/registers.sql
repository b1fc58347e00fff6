-- The register batch files (jinguo/ingest/registers.py): written, read back, verified. Paths and the
-- batch's own entry are bound parameters, never SQL text.

-- name: registers_write_batch
-- The staged rows to the batch's Parquet file, the batch's manifest entry (JSON) in its key-value
-- metadata, so a lost manifest can be rebuilt from the batches themselves.
copy _new to $path (format parquet, compression zstd, kv_metadata {jinguo_batch: $entry})

-- name: registers_batch_entry
-- The manifest entry a batch file carries (none for a batch written before batches carried one).
select decode(value) from parquet_kv_metadata($path) where decode(key) = 'jinguo_batch'

-- name: registers_read_batch
-- Read every value of every row (the hash of each whole row), so a damaged page fails here.
select count(*), bit_xor(hash(t)) from read_parquet($path) as t

-- name: registers_batch_columns
-- The columns a batch file holds.
select name from parquet_schema($path) where num_children is null

-- name: registers_stage_batch
-- A batch's rows as the temp table _new, for the replay.
create or replace temp table _new as select * from read_parquet($path)

-- name: registers_import_log
-- What the analytics file says it holds: the evidence that a batch without a commit record was
-- committed (an import or a build writes import_log only for batches the manifest had listed).
select import_id, strftime(imported_at, '%Y-%m-%dT%H:%M:%S'), dataset, file_name, sha256, rows_added,
    rows_updated, rows_unchanged, rows_rejected, user_name
from import_log

-- name: registers_table_columns
-- Every table's columns (run on an in-memory database made from schema.sql: what a batch may hold).
select table_name, column_name from information_schema.columns
