-- 010 · Every stored active suppression is in the suppression index.
--
-- A sender now reads the suppression index (kudos_index, index_name 'index-suppressions') before it asks an address's
-- suppression grain, and asks the grain only for an indexed address: the index must hold every address that may be
-- suppressed. The grain now indexes an address before it stores the suppression (and removes it after it stores the
-- removal), so the index is never short of one; before this version it indexed after the write, so a crash between the
-- two could leave an active suppression out. This copies every stored active suppression into the index: the grain
-- state `suppression` (ADO.NET storage, string key = the normalized address in GrainIdExtensionString), stored by the
-- System.Text.Json serializer as UTF-8 {"Active":true,...} in PayloadBinary. Run twice, it changes nothing more.
INSERT INTO kudos_index (index_name, entry_id)
SELECT 'index-suppressions', s.GrainIdExtensionString
FROM OrleansStorage AS s
WHERE s.GrainTypeString = 'suppression'
  AND s.GrainIdExtensionString IS NOT NULL
  AND s.PayloadBinary IS NOT NULL
  AND (convert_from(s.PayloadBinary, 'UTF8')::jsonb ->> 'Active') = 'true'
ON CONFLICT DO NOTHING;
