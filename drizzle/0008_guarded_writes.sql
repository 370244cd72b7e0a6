-- The worker writes a batch as one statement, without a transaction around its reads (two round
-- trips instead of four), guarded by the revisions it read: an account row another writer changed
-- meanwhile is not updated, nor one it inserted inserted again. This fails that statement, so
-- nothing of the batch is written, with serialization_failure: the worker plans the batch again.
-- In a schema of its own: a rebuild drops and replaces the read model's.
CREATE SCHEMA IF NOT EXISTS "eventbank";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "eventbank"."expect_rows"(actual bigint, expected bigint, what text) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
  IF actual <> expected THEN
    RAISE EXCEPTION 'another writer changed % while this batch was applied', what USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN actual;
END
$$;
