-- 009 · Email analytics per day (the project's own tables, written by the silos through Npgsql).
--
-- Each count names the increment it applies (counter + dedupe id, e.g. "sent" + the dispatch id), so a repeated report
-- counts once: kudos_email_count_applied keeps those names and kudos_email_stats the totals per day × email type ×
-- tenant × counter. A silo writes the increments that arrive together in one statement (group commit); a day's rows are
-- one indexed read. Before this table each day was one grain whose whole state — every applied name of the day — was
-- rewritten on each write: a cluster-wide hot spot whose writes grew with the day's volume.
--
-- Days the former grain stored (Orleans grain state "email-stats", key "yyyy-MM-dd", System.Text.Json payload
-- {"Rows": {"type|tenant": {"sent": n, ...}}, "Applied": ["sent|id", ...]}) are copied here, totals and applied names,
-- so counting goes on where it stopped. The script is idempotent (run again, it copies nothing twice).

CREATE TABLE IF NOT EXISTS kudos_email_stats
(
    day        date   NOT NULL,
    email_type text   NOT NULL,
    tenant     text   NOT NULL,
    counter    text   NOT NULL,
    count      bigint NOT NULL,

    CONSTRAINT pk_kudos_email_stats PRIMARY KEY (day, email_type, tenant, counter)
);

CREATE TABLE IF NOT EXISTS kudos_email_count_applied
(
    day       date NOT NULL,
    counter   text NOT NULL,
    dedupe_id text NOT NULL,

    CONSTRAINT pk_kudos_email_count_applied PRIMARY KEY (day, counter, dedupe_id)
);

WITH former AS (
    SELECT GrainIdExtensionString::date AS day, convert_from(PayloadBinary, 'UTF8')::jsonb AS payload
    FROM OrleansStorage
    WHERE GrainTypeString = 'email-stats'
      AND PayloadBinary IS NOT NULL
      AND GrainIdExtensionString ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
), totals AS (
    INSERT INTO kudos_email_stats (day, email_type, tenant, counter, count)
    SELECT f.day, split_part(r.key, '|', 1), substr(r.key, length(split_part(r.key, '|', 1)) + 2), c.key, c.value::bigint
    FROM former f
    CROSS JOIN LATERAL jsonb_each(COALESCE(f.payload -> 'Rows', '{}'::jsonb)) AS r(key, value)
    CROSS JOIN LATERAL jsonb_each_text(r.value) AS c(key, value)
    ON CONFLICT (day, email_type, tenant, counter) DO NOTHING
)
INSERT INTO kudos_email_count_applied (day, counter, dedupe_id)
SELECT f.day, split_part(a.name, '|', 1), substr(a.name, length(split_part(a.name, '|', 1)) + 2)
FROM former f
CROSS JOIN LATERAL jsonb_array_elements_text(COALESCE(f.payload -> 'Applied', '[]'::jsonb)) AS a(name)
ON CONFLICT (day, counter, dedupe_id) DO NOTHING;
