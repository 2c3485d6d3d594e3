-- 007 · The admin indexes, one row per entry (the project's own table, written through Npgsql).
--
-- index_name is an IndexNames key (index-held, index-suppressions, index-unmatched-events, index-held-owners) and
-- entry_id the listed id (a dispatch id, an address, a webhook event key). Adding an entry is one
-- INSERT … ON CONFLICT DO NOTHING, removing it one DELETE, and a page of a listing one keyset read
-- (WHERE index_name = $1 AND entry_id > $2 ORDER BY entry_id LIMIT $3) served by the primary key. Before this table
-- each index was one grain state holding every id, rewritten whole on each add.
--
-- entry_id is compared byte-wise (COLLATE "C"): the listings are ordered ordinally, as the `after` cursor of the
-- API has always been, whatever the database's default collation.

CREATE TABLE IF NOT EXISTS kudos_index
(
    index_name text COLLATE "C" NOT NULL,
    entry_id   text COLLATE "C" NOT NULL,

    CONSTRAINT pk_kudos_index PRIMARY KEY (index_name, entry_id)
);

-- The entries kept before this table: the grain state `index` (ADO.NET storage, string key = the index name in
-- GrainIdExtensionString), stored by the System.Text.Json serializer as UTF-8 {"Ids":[...]} in PayloadBinary. They
-- are copied here; the old rows are left as they are (nothing reads them any more) so that this script changes
-- nothing but the new table.
INSERT INTO kudos_index (index_name, entry_id)
SELECT legacy.index_name, ids.entry_id
FROM
(
    SELECT s.GrainIdExtensionString AS index_name, convert_from(s.PayloadBinary, 'UTF8')::jsonb -> 'Ids' AS ids
    FROM OrleansStorage AS s
    WHERE s.GrainTypeString = 'index' AND s.GrainIdExtensionString IS NOT NULL AND s.PayloadBinary IS NOT NULL
) AS legacy
CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(legacy.ids) = 'array' THEN legacy.ids ELSE '[]'::jsonb END) AS ids(entry_id)
ON CONFLICT DO NOTHING;
