-- 008 · Reminder range reads return only the reminders that can tick soon (issue 14, "idle cost flat in N").
--
-- Orleans re-reads each silo's hash range of the reminder table at start-up, on every ring change and every
-- ReminderOptions.RefreshReminderListPeriod, and keeps in memory only the reminders whose next tick falls within
-- ReminderOptions.ReminderLoadingWindow (LocalReminderService.ReconcileTableEntry). Reading every other row is
-- wasted work that grows with the number of scheduled boards, so the range reads skip reminders whose first tick
-- (StartTime) lies beyond now + the window the silo announces in the session setting kudos.reminder_window
-- (set on the reminder provider's connections at start-up: LoadingWindow + 2 x RefreshReminderListPeriod, see
-- ReminderWindow.cs in the silo). A reminder whose StartTime is in the past ticks again every Period, so it is
-- always returned. A reminder left out of one read is not lost: it stays in the table and the first refresh after
-- it enters the window loads it; registering one that is due soon starts it in memory at once.
--
-- Without the setting (another client, a tool) the reads return the whole range, as before.

DROP INDEX IF EXISTS ix_orleansreminderstable_servicehash;

-- Serves the filtered range reads: the StartTime bound selects the few rows due soon, the hash range is checked
-- in the index.
CREATE INDEX IF NOT EXISTS ix_orleansreminderstable_servicestart
    ON OrleansRemindersTable (ServiceId, StartTime, GrainHash);

UPDATE OrleansQuery
SET QueryText = $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND StartTime <= coalesce(now() + nullif(current_setting('kudos.reminder_window', true), '')::interval, 'infinity')
      AND GrainHash > @BeginHash
      AND GrainHash <= @EndHash;
    $q$
WHERE QueryKey = 'ReadRangeRows1Key';

UPDATE OrleansQuery
SET QueryText = $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND StartTime <= coalesce(now() + nullif(current_setting('kudos.reminder_window', true), '')::interval, 'infinity')
      AND GrainHash > @BeginHash
    UNION ALL
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND StartTime <= coalesce(now() + nullif(current_setting('kudos.reminder_window', true), '')::interval, 'infinity')
      AND GrainHash <= @EndHash;
    $q$
WHERE QueryKey = 'ReadRangeRows2Key';
