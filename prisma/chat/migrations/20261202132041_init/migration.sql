-- CreateTable
CREATE TABLE "accounts" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gigs" (
    "id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gigs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversations" (
    "id" UUID NOT NULL,
    "user_low" UUID NOT NULL,
    "user_high" UUID NOT NULL,
    "gig_id" UUID,
    "last_message_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "conversations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "messages" (
    "id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "sender_id" UUID NOT NULL,
    "recipient_id" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "attachment_url" TEXT,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "offer_gig_id" UUID,
    "offer_price_cents" INTEGER,
    "offer_delivery_days" INTEGER,
    "offer_state" TEXT,
    "offer_expires_at" TIMESTAMPTZ(3),
    "offer_updated_at" TIMESTAMPTZ(3),

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "presence_connections" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "process_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "presence_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "presence" (
    "user_id" UUID NOT NULL,
    "online" BOOLEAN NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3),

    CONSTRAINT "presence_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3),
    "parked_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_aggregate_versions" (
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "event_aggregate_versions_pkey" PRIMARY KEY ("aggregate_type","aggregate_id")
);

-- CreateTable
CREATE TABLE "inbox_events" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_events_pkey" PRIMARY KEY ("consumer","event_id")
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
CREATE INDEX "conversations_user_low_updated_at_id_idx" ON "conversations"("user_low", "updated_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "conversations_user_high_updated_at_id_idx" ON "conversations"("user_high", "updated_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "conversations_user_low_user_high_key" ON "conversations"("user_low", "user_high");

-- CreateIndex
CREATE INDEX "messages_conversation_id_created_at_id_idx" ON "messages"("conversation_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "messages_conversation_id_recipient_id_read_at_idx" ON "messages"("conversation_id", "recipient_id", "read_at");

-- CreateIndex
CREATE INDEX "messages_offer_state_offer_expires_at_idx" ON "messages"("offer_state", "offer_expires_at");

-- CreateIndex
CREATE INDEX "presence_connections_user_id_idx" ON "presence_connections"("user_id");

-- CreateIndex
CREATE INDEX "presence_connections_process_id_idx" ON "presence_connections"("process_id");

-- CreateIndex
CREATE INDEX "presence_connections_expires_at_idx" ON "presence_connections"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_seq_key" ON "outbox_events"("seq");

-- CreateIndex
CREATE INDEX "outbox_events_sent_at_seq_idx" ON "outbox_events"("sent_at", "seq");

-- CreateIndex
CREATE INDEX "inbox_events_consumer_processed_at_idx" ON "inbox_events"("consumer", "processed_at");

-- AddForeignKey
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
