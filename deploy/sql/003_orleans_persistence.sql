-- 003 · Orleans ADO.NET grain persistence (Microsoft.Orleans.Persistence.AdoNet).
--
-- The provider identifies a state row by: ServiceId, the grain key (GrainIdN0/GrainIdN1 hold a Guid or
-- integer key, GrainIdExtensionString a string key or key extension, NULL when there is none) and
-- GrainTypeString, which Orleans fills with the *state name*. GrainIdHash and GrainTypeHash are hashes of
-- the key and of that string, computed by Orleans; they only make the lookup index narrow.
--
-- Etag: Version. A first write (no etag, @GrainStateVersion NULL) creates the row with Version 1; a later
-- write must present the current Version and gets Version + 1. Orleans raises InconsistentStateException
-- when the returned version is NULL or unchanged, which is what every query below answers on a conflict.
--
-- Query keys read at start-up: WriteToStorageKey, ReadFromStorageKey, ClearStorageKey (required) and
-- DeleteStorageKey (needed when AdoNetGrainStorageOptions.DeleteStateOnClear is true).

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer     NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    GrainTypeHash          integer     NOT NULL,
    GrainTypeString        text        NOT NULL,
    GrainIdExtensionString text        NULL,
    ServiceId              text        NOT NULL,
    -- NULL after ClearStorageKey: the row (and its version) stays, the state is gone.
    PayloadBinary          bytea       NULL,
    ModifiedOn             timestamptz NOT NULL DEFAULT now(),
    Version                integer     NOT NULL
);

-- One row per grain state, enforced by the database rather than by a NOT EXISTS check: two activations of
-- the same grain racing to write their first state (possible during failover) cannot both insert, the
-- loser gets a conflict. NULLS NOT DISTINCT (PostgreSQL 15+) makes "no extension string" one key value.
-- The hash columns lead so that the index is selective before the wide text columns are compared.
CREATE UNIQUE INDEX IF NOT EXISTS ux_orleansstorage_grain
    ON OrleansStorage (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, ServiceId, GrainTypeString, GrainIdExtensionString)
    NULLS NOT DISTINCT;

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
(
    -- PayloadBinary NULL (never written, or cleared) makes Orleans start from a fresh state object.
    -- No row at all means "never written": Orleans then writes without an etag.
    'ReadFromStorageKey', $q$
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
    $q$
),
(
    -- Exactly one branch can touch a row: `created` only runs without an etag, `updated` only matches
    -- with one. Answers the new version, or NULL on a conflict (row already there / version moved on).
    'WriteToStorageKey', $q$
    WITH created AS
    (
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
             ServiceId, PayloadBinary, ModifiedOn, Version)
        SELECT
            @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
            @ServiceId, @PayloadBinary, now(), 1
        WHERE @GrainStateVersion IS NULL
        ON CONFLICT (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, ServiceId, GrainTypeString, GrainIdExtensionString)
            DO NOTHING
        RETURNING Version
    ),
    updated AS
    (
        UPDATE OrleansStorage
        SET PayloadBinary = @PayloadBinary,
            ModifiedOn = now(),
            Version = Version + 1
        WHERE GrainIdHash = @GrainIdHash
          AND GrainTypeHash = @GrainTypeHash
          AND GrainIdN0 = @GrainIdN0
          AND GrainIdN1 = @GrainIdN1
          AND ServiceId = @ServiceId
          AND GrainTypeString = @GrainTypeString
          AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
          AND Version = @GrainStateVersion
        RETURNING Version
    )
    SELECT (SELECT Version FROM created UNION ALL SELECT Version FROM updated) AS NewGrainStateVersion;
    $q$
),
(
    -- Clear keeps the row and bumps its version, so a stale activation still conflicts afterwards.
    -- Answers the new version; no row on a conflict.
    'ClearStorageKey', $q$
    UPDATE OrleansStorage
    SET PayloadBinary = NULL,
        ModifiedOn = now(),
        Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;
    $q$
),
(
    -- DeleteStateOnClear: the row goes away. Orleans only checks that the answer differs from the etag it
    -- sent (then forgets the etag), hence Version + 1; no row on a conflict.
    'DeleteStorageKey', $q$
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND Version = @GrainStateVersion
    RETURNING Version + 1 AS NewGrainStateVersion;
    $q$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
