-- AlterTable
ALTER TABLE "outbox_events" ADD COLUMN     "next_attempt_at" TIMESTAMPTZ(3),
ADD COLUMN     "parked_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "event_aggregate_versions" (
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "event_aggregate_versions_pkey" PRIMARY KEY ("aggregate_type","aggregate_id")
);

-- CreateTable
CREATE TABLE "event_snapshot_versions" (
    "snapshot" TEXT NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_snapshot_versions_pkey" PRIMARY KEY ("snapshot","aggregate_type","aggregate_id")
);

-- CreateIndex
CREATE INDEX "inbox_events_consumer_processed_at_idx" ON "inbox_events"("consumer", "processed_at");
