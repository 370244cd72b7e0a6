-- A rebuild before this release copied the read-model tables with CREATE TABLE ... LIKE, which
-- names indexes after their columns: a rebuilt read model had, say, event_index_search_text_idx
-- where the migrations made event_index_search_idx, and a migration naming the index would not
-- find it. Rebuilds now keep the live names; this gives a read model rebuilt earlier its names back.
DO $$
DECLARE
  pair text[];
BEGIN
  FOREACH pair SLICE 1 IN ARRAY ARRAY[
    ['account_history_event_id_account_number_idx', 'account_history_event_account_idx'],
    ['accounts_opened_at_number_idx', 'accounts_opened_number_idx'],
    ['event_index_account_number_position_idx', 'event_index_account_position_idx'],
    ['event_index_causation_id_idx', 'event_index_causation_idx'],
    ['event_index_command_id_idx', 'event_index_command_idx'],
    ['event_index_correlation_id_idx', 'event_index_correlation_idx'],
    ['event_index_search_text_idx', 'event_index_search_idx']
  ] LOOP
    IF to_regclass('readmodel.' || pair[1]) IS NOT NULL AND to_regclass('readmodel.' || pair[2]) IS NULL THEN
      EXECUTE format('ALTER INDEX readmodel.%I RENAME TO %I', pair[1], pair[2]);
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'account_history_pkey' AND connamespace = 'readmodel'::regnamespace)
    AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'account_history_account_number_position_pk' AND connamespace = 'readmodel'::regnamespace) THEN
    ALTER TABLE readmodel.account_history RENAME CONSTRAINT account_history_pkey TO account_history_account_number_position_pk;
  END IF;
END $$;
