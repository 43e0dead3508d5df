-- PostgreSQL only (issue 20): the request log, spans and bodies become tables partitioned by day
-- (declarative RANGE partitioning on ts, or start_ns for spans), so time-range queries read only
-- the days they ask for and retention drops whole days (dev.sluice.store.Partitions).
--
-- Existing rows are kept: each table is renamed, a partitioned twin is created with the same columns
-- and defaults (LIKE), day partitions are created for the days of the last 60 that have rows
-- (anything older goes to the DEFAULT partition) and from yesterday to 7 days ahead, the rows are copied, then
-- every index the old table had is created again on the new one (whatever migration created it; a
-- unique index gains the partition key, as PostgreSQL requires) and the old table is dropped. The
-- copy runs inside the migration's transaction: a failure leaves the old table as it was. It takes
-- as long as rewriting the tables once (minutes for tens of millions of rows); see README "Store".
--
-- Primary keys gain the partition key: request_log (id, ts), spans (trace_id, span_id, start_ns),
-- bodies (request_id, ts). The writers insert with ON CONFLICT DO NOTHING against these.

-- Creates the partition of one UTC day (idempotent). Used here and by the maintenance job.
CREATE OR REPLACE FUNCTION sluice_partition_day(parent TEXT, day DATE, nanos BOOLEAN) RETURNS VOID AS $$
DECLARE
    lo BIGINT := (EXTRACT(EPOCH FROM day::TIMESTAMP) * 1000)::BIGINT;
    hi BIGINT := lo + 86400000;
BEGIN
    IF nanos THEN
        lo := lo * 1000000;
        hi := hi * 1000000;
    END IF;
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                   parent || '_p' || to_char(day, 'YYYYMMDD'), parent, lo, hi);
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION sluice_partition_table(tbl TEXT, key TEXT, nanos BOOLEAN) RETURNS VOID AS $$
DECLARE
    old TEXT := tbl || '_unpartitioned';
    ix RECORD;
    defs TEXT[] := '{}';
    pk TEXT;
    serial_cols TEXT[] := '{}';
    serial_seqs TEXT[] := '{}';
    seq TEXT;
    col RECORD;
    d DATE;
    def TEXT;
    i INT;
BEGIN
    -- the old table's indexes (captured before the rename: they name the table as tbl), to create again
    FOR ix IN SELECT pg_get_indexdef(x.indexrelid) AS def, c.relname AS name, x.indisprimary AS primary_key,
                     x.indisunique AS is_unique
              FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
              WHERE x.indrelid = tbl::regclass LOOP
        IF ix.primary_key THEN
            pk := substring(ix.def FROM '\(([^)]*)\)\s*$');
            EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', tbl, ix.name);
        ELSE
            def := ix.def;
            IF ix.is_unique AND NOT substring(def FROM '\(([^)]*)\)\s*$') ~ ('\m' || key || '\M') THEN
                def := regexp_replace(def, '\)\s*$', ', ' || quote_ident(key) || ')');
            END IF;
            defs := defs || regexp_replace(def, ' ON (ONLY )?(\S+\.)?' || tbl || ' ', ' ON ' || quote_ident(tbl) || ' ');
            EXECUTE format('DROP INDEX %I', ix.name);
        END IF;
    END LOOP;
    -- serial columns: their sequence must outlive the old table
    FOR col IN SELECT a.attname FROM pg_attribute a WHERE a.attrelid = tbl::regclass AND a.attnum > 0
                                                   AND NOT a.attisdropped LOOP
        seq := pg_get_serial_sequence(tbl, col.attname);
        IF seq IS NOT NULL THEN
            EXECUTE format('ALTER SEQUENCE %s OWNED BY NONE', seq);
            serial_cols := serial_cols || col.attname::TEXT;
            serial_seqs := serial_seqs || seq;
        END IF;
    END LOOP;
    EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, old);
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS) PARTITION BY RANGE (%I)', tbl, old, key);
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', tbl || '_default', tbl);
    -- a partition for each of the last 60 days that has rows, and from yesterday to 7 days ahead; older rows
    -- (kept only where retention is off or long) go to the DEFAULT partition, where retention deletes them by row
    FOR d IN EXECUTE format('SELECT DISTINCT to_timestamp(%I / %s / 1000.0)::DATE FROM %I WHERE %I >= %s',
                            key, CASE WHEN nanos THEN 1000000 ELSE 1 END, old, key,
                            (EXTRACT(EPOCH FROM (CURRENT_DATE - 60)::TIMESTAMP) * 1000)::BIGINT
                                * CASE WHEN nanos THEN 1000000 ELSE 1 END) LOOP
        PERFORM sluice_partition_day(tbl, d, nanos);
    END LOOP;
    d := CURRENT_DATE - 1;
    WHILE d <= CURRENT_DATE + 7 LOOP
        PERFORM sluice_partition_day(tbl, d, nanos);
        d := d + 1;
    END LOOP;
    EXECUTE format('INSERT INTO %I SELECT * FROM %I', tbl, old);
    IF pk IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (%s, %I)', tbl, pk, key);
    END IF;
    FOREACH def IN ARRAY defs LOOP
        EXECUTE def;
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(serial_cols, 1), 0) LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNED BY %I.%I', serial_seqs[i], tbl, serial_cols[i]);
    END LOOP;
    EXECUTE format('DROP TABLE %I', old);
END
$$ LANGUAGE plpgsql;

SELECT sluice_partition_table('request_log', 'ts', FALSE);
SELECT sluice_partition_table('spans', 'start_ns', TRUE);
SELECT sluice_partition_table('bodies', 'ts', FALSE);
DROP FUNCTION sluice_partition_table(TEXT, TEXT, BOOLEAN);
