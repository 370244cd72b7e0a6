CREATE TABLE "account_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_number" text NOT NULL,
	"kind" text NOT NULL,
	"amount" bigint NOT NULL,
	"balance_after" bigint NOT NULL,
	"counterparty" text,
	"event_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"stream" text NOT NULL,
	"revision" bigint NOT NULL,
	"position" bigint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"data" jsonb NOT NULL,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"number" text PRIMARY KEY NOT NULL,
	"holder_name" text NOT NULL,
	"balance" bigint NOT NULL,
	"version" bigint NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projection_checkpoint" (
	"projection" text PRIMARY KEY NOT NULL,
	"position" bigint NOT NULL,
	"events_applied" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "account_history" ADD CONSTRAINT "account_history_account_number_accounts_number_fk" FOREIGN KEY ("account_number") REFERENCES "public"."accounts"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "account_history_event_account_idx" ON "account_history" USING btree ("event_id","account_number");--> statement-breakpoint
CREATE INDEX "account_history_account_position_idx" ON "account_history" USING btree ("account_number","position");