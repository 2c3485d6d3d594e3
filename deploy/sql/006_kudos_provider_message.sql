-- 006 · Provider message ids → dispatches (the project's own table, written by dispatch grains through Npgsql).
--
-- When the SMTP server (or the provider behind it) accepts a message it names it ("250 OK queued as X"); webhook events
-- later refer to X. Recording the mapping is one INSERT per sent email and finding it one primary-key read (before this
-- table each mapping was a grain with its own state: a read when it activated and a write).
--
-- Rows the grains wrote before (Orleans grain state "provider-message", string key "pm/{provider id}", System.Text.Json
-- payload {"DispatchId": ...}) are copied here, so events about emails sent before the upgrade still find them. The
-- script is idempotent (run again, it copies nothing twice).

CREATE TABLE IF NOT EXISTS kudos_provider_message
(
    provider_message_id text        NOT NULL,
    dispatch_id         text        NOT NULL,
    recorded_at         timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT pk_kudos_provider_message PRIMARY KEY (provider_message_id)
);

INSERT INTO kudos_provider_message (provider_message_id, dispatch_id, recorded_at)
SELECT substr(GrainIdExtensionString, 4), convert_from(PayloadBinary, 'UTF8')::jsonb ->> 'DispatchId', ModifiedOn
FROM OrleansStorage
WHERE GrainTypeString = 'provider-message'
  AND GrainIdExtensionString LIKE 'pm/%'
  AND PayloadBinary IS NOT NULL
  AND convert_from(PayloadBinary, 'UTF8')::jsonb ->> 'DispatchId' IS NOT NULL
ON CONFLICT (provider_message_id) DO NOTHING;
