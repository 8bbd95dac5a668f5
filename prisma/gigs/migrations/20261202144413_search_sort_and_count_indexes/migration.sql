-- DropIndex
DROP INDEX "gig_search_documents_active_created_at_idx";

-- DropIndex
DROP INDEX "gig_search_documents_active_rating_average_idx";

-- CreateIndex
CREATE INDEX "gig_search_documents_active_price_cents_category_sub_catego_idx" ON "gig_search_documents"("active", "price_cents", "category", "sub_category", "delivery_days", "rating_average");

-- CreateIndex
CREATE INDEX "gig_search_documents_active_created_at_gig_id_idx" ON "gig_search_documents"("active", "created_at" DESC, "gig_id");

-- CreateIndex
CREATE INDEX "gig_search_documents_active_rating_average_gig_id_idx" ON "gig_search_documents"("active", "rating_average" DESC, "gig_id");

-- CreateIndex
CREATE INDEX "gig_search_documents_active_price_cents_gig_id_idx" ON "gig_search_documents"("active", "price_cents", "gig_id");
