-- pg_trgm: typo tolerance over search_terms (search/postgres-index.ts). Added to the generated
-- migration before it was first applied: Prisma 6 without its extensions preview does not diff it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateTable
CREATE TABLE "gigs" (
    "id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "sub_category" TEXT NOT NULL,
    "tags" TEXT[],
    "price_cents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "delivery_days" INTEGER NOT NULL,
    "cover_image_url" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "rating_count" INTEGER NOT NULL DEFAULT 0,
    "rating_sum" INTEGER NOT NULL DEFAULT 0,
    "one_star_count" INTEGER NOT NULL DEFAULT 0,
    "two_star_count" INTEGER NOT NULL DEFAULT 0,
    "three_star_count" INTEGER NOT NULL DEFAULT 0,
    "four_star_count" INTEGER NOT NULL DEFAULT 0,
    "five_star_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gigs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sellers" (
    "user_id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "full_name" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sellers_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "gig_ratings" (
    "review_id" UUID NOT NULL,
    "gig_id" UUID NOT NULL,
    "rating" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gig_ratings_pkey" PRIMARY KEY ("review_id")
);

-- CreateTable
CREATE TABLE "gig_search_documents" (
    "gig_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "seller_username" TEXT,
    "seller_full_name" TEXT,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "sub_category" TEXT NOT NULL,
    "tags" TEXT[],
    "price_cents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "delivery_days" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL,
    "rating_count" INTEGER NOT NULL,
    "rating_average" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL,
    "document" tsvector NOT NULL,

    CONSTRAINT "gig_search_documents_pkey" PRIMARY KEY ("gig_id")
);

-- CreateTable
CREATE TABLE "search_terms" (
    "term" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "search_terms_pkey" PRIMARY KEY ("term")
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
CREATE INDEX "gigs_seller_id_created_at_id_idx" ON "gigs"("seller_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "gig_search_documents_document_idx" ON "gig_search_documents" USING GIN ("document");

-- CreateIndex
CREATE INDEX "gig_search_documents_tags_idx" ON "gig_search_documents" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "gig_search_documents_active_category_price_cents_idx" ON "gig_search_documents"("active", "category", "price_cents");

-- CreateIndex
CREATE INDEX "gig_search_documents_active_created_at_idx" ON "gig_search_documents"("active", "created_at" DESC);

-- CreateIndex
CREATE INDEX "gig_search_documents_active_rating_average_idx" ON "gig_search_documents"("active", "rating_average" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_seq_key" ON "outbox_events"("seq");

-- CreateIndex
CREATE INDEX "outbox_events_sent_at_seq_idx" ON "outbox_events"("sent_at", "seq");

-- CreateIndex
CREATE INDEX "inbox_events_consumer_processed_at_idx" ON "inbox_events"("consumer", "processed_at");
