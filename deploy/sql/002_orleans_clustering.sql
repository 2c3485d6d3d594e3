-- 002 · Orleans ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet, silo and client side).
--
-- Orleans' membership protocol treats the table as one versioned document per cluster: a silo reads all
-- rows together with the table version, and every insert or update of a silo row must present the version
-- it read and advances it by one. A writer holding a stale version gets "0" back, re-reads and retries.
-- Only IAmAlive heartbeats and defunct-row cleanup are exempt from that check.
--
-- Query keys the 10.x provider requires (it refuses to start if any is missing):
--   InsertMembershipVersionKey, MembershipReadRowKey, MembershipReadAllKey, InsertMembershipKey,
--   UpdateMembershipKey, UpdateIAmAlivetimeKey, GatewaysQueryKey, DeleteMembershipTableEntriesKey,
--   CleanupDefunctSiloEntriesKey.
-- Orleans calls the cluster id "DeploymentId" in these queries (ClusterOptions.ClusterId).

-- One row per cluster: its membership version (the table-wide etag).
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId text        NOT NULL,
    Timestamp    timestamptz NOT NULL DEFAULT now(),
    Version      integer     NOT NULL DEFAULT 0,

    CONSTRAINT pk_orleansmembershipversiontable PRIMARY KEY (DeploymentId)
);

-- One row per silo incarnation. (Address, Port, Generation) is the Orleans SiloAddress: a restarted silo
-- comes back with a new Generation and therefore a new row; the old row ends as Dead.
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId text        NOT NULL,
    Address      text        NOT NULL,
    Port         integer     NOT NULL,
    Generation   integer     NOT NULL,
    SiloName     text        NOT NULL,
    HostName     text        NOT NULL,
    -- Orleans SiloStatus: 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
    Status       integer     NOT NULL,
    -- The silo's gateway port for clients; 0 when it is not a gateway.
    ProxyPort    integer     NULL,
    -- Suspicion votes "silo,time|silo,time", written and parsed by Orleans only.
    SuspectTimes text        NULL,
    StartTime    timestamptz NOT NULL,
    IAmAliveTime timestamptz NOT NULL,

    CONSTRAINT pk_orleansmembershiptable PRIMARY KEY (DeploymentId, Address, Port, Generation),
    -- Deleting a cluster's version row (DeleteMembershipTableEntriesKey) takes its silo rows with it.
    CONSTRAINT fk_orleansmembershiptable_version FOREIGN KEY (DeploymentId)
        REFERENCES OrleansMembershipVersionTable (DeploymentId) ON DELETE CASCADE
);

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
(
    -- Every silo tries this at start-up; only the first one of a cluster creates the row.
    -- Answers 1 if it created the version row, 0 if it already existed.
    'InsertMembershipVersionKey', $q$
    WITH created AS
    (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        VALUES (@DeploymentId)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer FROM created;
    $q$
),
(
    -- The version row always comes back (LEFT JOIN), with NULL silo columns when the silo has no row:
    -- Orleans reads "no StartTime" as "no entry" but still needs the version.
    'MembershipReadRowKey', $q$
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM OrleansMembershipVersionTable AS v
    LEFT JOIN OrleansMembershipTable AS m
        ON  m.DeploymentId = v.DeploymentId
        AND m.Address = @Address
        AND m.Port = @Port
        AND m.Generation = @Generation
    WHERE v.DeploymentId = @DeploymentId;
    $q$
),
(
    -- Same shape as MembershipReadRowKey, for every silo of the cluster. One statement, one snapshot:
    -- rows and version are read atomically, as the protocol requires.
    'MembershipReadAllKey', $q$
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM OrleansMembershipVersionTable AS v
    LEFT JOIN OrleansMembershipTable AS m
        ON m.DeploymentId = v.DeploymentId
    WHERE v.DeploymentId = @DeploymentId;
    $q$
),
(
    -- Adds a silo row if the caller's version is still current, and advances the version.
    -- `expected` locks the version row only while it still holds @Version: a concurrent writer waits here
    -- and, once the first commits, re-checks the predicate against the new version and finds nothing.
    -- The version only moves when the silo row was really inserted, so a duplicate insert changes nothing.
    -- Answers 1 on success, 0 on a version conflict or an existing row.
    'InsertMembershipKey', $q$
    WITH expected AS
    (
        SELECT DeploymentId
        FROM OrleansMembershipVersionTable
        WHERE DeploymentId = @DeploymentId
          AND Version = @Version
        FOR UPDATE
    ),
    inserted AS
    (
        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
        SELECT
            DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
        FROM expected
        ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING
        RETURNING DeploymentId
    ),
    advanced AS
    (
        UPDATE OrleansMembershipVersionTable AS v
        SET Version = v.Version + 1,
            Timestamp = now()
        FROM inserted
        WHERE v.DeploymentId = inserted.DeploymentId
        RETURNING 1
    )
    SELECT count(*)::integer FROM advanced;
    $q$
),
(
    -- Changes a silo's status / suspicion votes under the same version check as InsertMembershipKey.
    -- Answers 1 on success, 0 on a version conflict or a missing row.
    'UpdateMembershipKey', $q$
    WITH expected AS
    (
        SELECT DeploymentId
        FROM OrleansMembershipVersionTable
        WHERE DeploymentId = @DeploymentId
          AND Version = @Version
        FOR UPDATE
    ),
    updated AS
    (
        UPDATE OrleansMembershipTable AS m
        SET Status = @Status,
            SuspectTimes = @SuspectTimes,
            IAmAliveTime = @IAmAliveTime
        FROM expected
        WHERE m.DeploymentId = expected.DeploymentId
          AND m.Address = @Address
          AND m.Port = @Port
          AND m.Generation = @Generation
        RETURNING m.DeploymentId
    ),
    advanced AS
    (
        UPDATE OrleansMembershipVersionTable AS v
        SET Version = v.Version + 1,
            Timestamp = now()
        FROM updated
        WHERE v.DeploymentId = updated.DeploymentId
        RETURNING 1
    )
    SELECT count(*)::integer FROM advanced;
    $q$
),
(
    -- Heartbeat. Deliberately outside the version protocol (it would make every heartbeat a conflict for
    -- everyone else); Orleans does not read a result.
    'UpdateIAmAlivetimeKey', $q$
    UPDATE OrleansMembershipTable
    SET IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId
      AND Address = @Address
      AND Port = @Port
      AND Generation = @Generation;
    $q$
),
(
    -- Gateways for clients: Orleans passes @Status = 3 (Active).
    'GatewaysQueryKey', $q$
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId
      AND Status = @Status
      AND ProxyPort > 0;
    $q$
),
(
    -- Removes a whole cluster (tests and tooling); the foreign key cascades to the silo rows.
    'DeleteMembershipTableEntriesKey', $q$
    DELETE FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId;
    $q$
),
(
    -- Periodic clean-up (ClusterMembershipOptions.DefunctSiloCleanupPeriod / DefunctSiloExpiration):
    -- forget silos that are not Active and have not heartbeated since @IAmAliveTime. Active rows are never
    -- removed here: only the membership protocol may declare a silo dead. Like the other Orleans providers,
    -- this does not advance the version: the rows are history, not live membership.
    'CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId
      AND IAmAliveTime < @IAmAliveTime
      AND Status <> 3;
    $q$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
