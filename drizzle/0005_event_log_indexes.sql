DROP INDEX "readmodel"."event_index_created_idx";--> statement-breakpoint
DROP INDEX "readmodel"."event_index_search_idx";--> statement-breakpoint
CREATE INDEX "accounts_opened_number_idx" ON "readmodel"."accounts" USING btree ("opened_at","number");--> statement-breakpoint
CREATE INDEX "event_index_created_position_idx" ON "readmodel"."event_index" USING btree ("created","position");--> statement-breakpoint
CREATE INDEX "event_index_amount_idx" ON "readmodel"."event_index" USING btree ("amount");--> statement-breakpoint
CREATE INDEX "event_index_search_idx" ON "readmodel"."event_index" USING gin ("search_text" gin_trgm_ops) WITH (fastupdate=false);