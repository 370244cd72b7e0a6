CREATE TABLE "projection_holds" (
	"stream" text PRIMARY KEY NOT NULL,
	"account_number" text NOT NULL,
	"revision" bigint NOT NULL,
	"event_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"held_at" timestamp with time zone DEFAULT now() NOT NULL
);
