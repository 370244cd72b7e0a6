-- Hand-edited after drizzle-kit generate (it moves the tables but leaves their columns as they
-- were): the read model moves into its own schema so a rebuild can fill a copy and swap it in,
-- and account_history loses what a CREATE TABLE ... LIKE copy cannot carry (the serial id's
-- sequence, the foreign key). pg_trgm serves the event log's text search.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE SCHEMA "readmodel";
--> statement-breakpoint
CREATE TABLE "readmodel"."event_index" (
	"position" bigint PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"stream" text NOT NULL,
	"revision" bigint NOT NULL,
	"type" text NOT NULL,
	"account_number" text NOT NULL,
	"counterparty" text,
	"amount" bigint,
	"search_text" text,
	"command_id" text,
	"correlation_id" text,
	"causation_id" text,
	"created" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "public"."account_history" DROP CONSTRAINT "account_history_account_number_accounts_number_fk";
--> statement-breakpoint
ALTER TABLE "public"."account_history" DROP COLUMN "id";
--> statement-breakpoint
DROP INDEX "public"."account_history_account_position_idx";
--> statement-breakpoint
ALTER TABLE "public"."account_history" ADD CONSTRAINT "account_history_account_number_position_pk" PRIMARY KEY("account_number","position");
--> statement-breakpoint
ALTER TABLE "public"."account_history" SET SCHEMA "readmodel";
--> statement-breakpoint
ALTER TABLE "public"."accounts" SET SCHEMA "readmodel";
--> statement-breakpoint
ALTER TABLE "public"."projection_checkpoint" SET SCHEMA "readmodel";
--> statement-breakpoint
ALTER TABLE "public"."projection_holds" SET SCHEMA "readmodel";
--> statement-breakpoint
CREATE UNIQUE INDEX "event_index_event_id_idx" ON "readmodel"."event_index" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "event_index_type_position_idx" ON "readmodel"."event_index" USING btree ("type","position");--> statement-breakpoint
CREATE INDEX "event_index_account_position_idx" ON "readmodel"."event_index" USING btree ("account_number","position");--> statement-breakpoint
CREATE INDEX "event_index_counterparty_position_idx" ON "readmodel"."event_index" USING btree ("counterparty","position");--> statement-breakpoint
CREATE INDEX "event_index_created_idx" ON "readmodel"."event_index" USING btree ("created");--> statement-breakpoint
CREATE INDEX "event_index_command_idx" ON "readmodel"."event_index" USING btree ("command_id");--> statement-breakpoint
CREATE INDEX "event_index_correlation_idx" ON "readmodel"."event_index" USING btree ("correlation_id");--> statement-breakpoint
CREATE INDEX "event_index_causation_idx" ON "readmodel"."event_index" USING btree ("causation_id");--> statement-breakpoint
CREATE INDEX "event_index_search_idx" ON "readmodel"."event_index" USING gin ("search_text" gin_trgm_ops);