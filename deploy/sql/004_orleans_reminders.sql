-- 004 · Orleans ADO.NET reminders (Microsoft.Orleans.Reminders.AdoNet).
--
-- A reminder is (ServiceId, GrainId, ReminderName) with a first tick (StartTime) and a Period in
-- milliseconds. GrainHash is the grain's uniform hash cast to a *signed* integer by Orleans: each silo owns
-- a range of the hash ring and re-reads "its" reminders by hash range at start-up, whenever the ring changes
-- and every ReminderOptions.RefreshReminderListPeriod.
--
-- Etag: Version, an integer that starts at 0 and goes up by one on every upsert; a delete must present
-- the current Version.
--
-- Query keys the 10.x provider requires: ReadReminderRowsKey, ReadReminderRowKey, ReadRangeRows1Key,
-- ReadRangeRows2Key, UpsertReminderRowKey, DeleteReminderRowKey, DeleteReminderRowsKey.

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    text        NOT NULL,
    GrainId      text        NOT NULL,
    ReminderName text        NOT NULL,
    StartTime    timestamptz NOT NULL,
    Period       bigint      NOT NULL,
    GrainHash    integer     NOT NULL,
    Version      integer     NOT NULL,

    CONSTRAINT pk_orleansreminderstable PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- The primary key serves the per-grain reads and writes; it is no help for the hash-range reads, which
-- without this index scan the whole table on every silo every refresh period.
CREATE INDEX IF NOT EXISTS ix_orleansreminderstable_servicehash
    ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
(
    -- Every reminder of one grain.
    'ReadReminderRowsKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainId = @GrainId;
    $q$
),
(
    -- One reminder of one grain; no row when it does not exist.
    'ReadReminderRowKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainId = @GrainId
      AND ReminderName = @ReminderName;
    $q$
),
(
    -- The hash range (@BeginHash, @EndHash] when it does not wrap (Orleans picks this query when
    -- BeginHash < EndHash as signed integers).
    'ReadRangeRows1Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainHash > @BeginHash
      AND GrainHash <= @EndHash;
    $q$
),
(
    -- The range wraps past the top of the ring: (@BeginHash, max] plus [min, @EndHash]. The two parts are
    -- disjoint (BeginHash >= EndHash here) and written as two index range scans rather than an OR.
    'ReadRangeRows2Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainHash > @BeginHash
    UNION ALL
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainHash <= @EndHash;
    $q$
),
(
    -- Insert or replace; answers the row's new Version (0 for a new reminder).
    'UpsertReminderRowKey', $q$
    INSERT INTO OrleansRemindersTable AS r
        (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES
        (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
    SET StartTime = EXCLUDED.StartTime,
        Period = EXCLUDED.Period,
        GrainHash = EXCLUDED.GrainHash,
        Version = r.Version + 1
    RETURNING r.Version AS Version;
    $q$
),
(
    -- Delete under the etag; answers 1 if the row went away, 0 if it was missing or had moved on.
    'DeleteReminderRowKey', $q$
    WITH deleted AS
    (
        DELETE FROM OrleansRemindersTable
        WHERE ServiceId = @ServiceId
          AND GrainId = @GrainId
          AND ReminderName = @ReminderName
          AND Version = @Version
        RETURNING 1
    )
    SELECT count(*)::integer FROM deleted;
    $q$
),
(
    -- Every reminder of the service (tests and tooling).
    'DeleteReminderRowsKey', $q$
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId;
    $q$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
