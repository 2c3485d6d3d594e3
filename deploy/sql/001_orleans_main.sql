-- 001 · Orleans ADO.NET providers: the query catalogue.
--
-- Every Orleans ADO.NET provider (clustering, grain persistence, reminders) starts by reading
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and from then on executes only the texts it found there: it binds parameters by name (@DeploymentId,
-- @GrainIdHash, ...) and reads result columns by name. This table is therefore the whole contract between
-- Orleans and the database; scripts 002-004 add, per provider, the tables and one row per query key that
-- the provider insists on finding at start-up (a missing key stops the silo).
--
-- Conventions shared by the Orleans scripts of this project:
--   * Identifiers are unquoted, so PostgreSQL folds them to lower case. Orleans looks result columns up
--     case-insensitively, so a query selecting `Version` is read back as `Version`.
--   * Instants are timestamptz: Npgsql sends the provider's UTC DateTime values as timestamptz.
--   * Strings are text. Orleans sends keys (grain ids, type names, cluster ids) it does not bound, and a
--     varchar limit would only turn an unusual but valid key into a runtime failure.
--   * Scripts are re-runnable (IF NOT EXISTS, ON CONFLICT DO UPDATE) so applying one by hand with psql does
--     no harm. They contain no BEGIN/COMMIT: Kudos.Database.SchemaMigrator runs each script in its own
--     transaction and records it in kudos_schema_version.
--   * Query texts are dollar-quoted ($q$ ... $q$) so they read exactly as the provider will run them.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  text NOT NULL,
    QueryText text NOT NULL,

    CONSTRAINT pk_orleansquery PRIMARY KEY (QueryKey)
);
