import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { PROJECTION_CHANNEL } from '@/lib/db/projection-channel';

/**
 * Stand-in until the projection worker sends PROJECTION_CHANNEL notices itself: a trigger that
 * notifies `${number}:${version}` whenever an accounts row is written, in the same transaction
 * (so exactly when the worker's commit makes it visible). Harmless alongside the worker's own
 * notices (a waiter settles once).
 */
export async function installProjectionNotifyTrigger(db: Db): Promise<void> {
  await db.execute(sql.raw(`
    create or replace function eventbank_test_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('${PROJECTION_CHANNEL}', new.number || ':' || new.version);
      return new;
    end $$;
    drop trigger if exists eventbank_test_notify on accounts;
    create trigger eventbank_test_notify after insert or update on accounts
      for each row execute function eventbank_test_notify();
  `));
}
