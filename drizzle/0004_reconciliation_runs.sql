CREATE TABLE "reconciliation_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"position" bigint,
	"events" bigint DEFAULT 0 NOT NULL,
	"accounts" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"differences" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"message" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "reconciliation_runs_one_active_idx" ON "reconciliation_runs" USING btree ((true)) WHERE "reconciliation_runs"."status" in ('requested', 'running');