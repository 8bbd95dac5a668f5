-- The search table keeps only what a search filters, sorts and ranks by: a broad word reads a
-- third of its rows, so its width is what a search costs (70 → 45 ms for "logo" on 100,000 gigs,
-- docs/2026-12-03-search-row-width.md). Title and tags, which only similarGigs compares, move to
-- gig_similarity_features; the seller's names, the description, the currency and updated_at were
-- never read from this table (the gig table has them).

-- CreateTable
CREATE TABLE "gig_similarity_features" (
    "gig_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "tags" TEXT[],

    CONSTRAINT "gig_similarity_features_pkey" PRIMARY KEY ("gig_id")
);

-- The existing documents' features, so no reindex is needed.
INSERT INTO "gig_similarity_features" ("gig_id", "title", "tags")
SELECT "gig_id", "title", "tags" FROM "gig_search_documents";

-- CreateIndex
CREATE INDEX "gig_similarity_features_tags_idx" ON "gig_similarity_features" USING GIN ("tags");

-- AddForeignKey
ALTER TABLE "gig_similarity_features" ADD CONSTRAINT "gig_similarity_features_gig_id_fkey" FOREIGN KEY ("gig_id") REFERENCES "gig_search_documents"("gig_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- DropIndex
DROP INDEX "gig_search_documents_tags_idx";

-- AlterTable
ALTER TABLE "gig_search_documents" DROP COLUMN "currency",
DROP COLUMN "description",
DROP COLUMN "seller_full_name",
DROP COLUMN "seller_id",
DROP COLUMN "seller_username",
DROP COLUMN "tags",
DROP COLUMN "title",
DROP COLUMN "updated_at";

-- DROP COLUMN only hides the values: the rows stay as wide until rewritten. A type change with
-- USING rewrites the table (and its indexes) inside this transaction, which VACUUM FULL cannot.
ALTER TABLE "gig_search_documents" ALTER COLUMN "version" TYPE INTEGER USING "version" + 0;
