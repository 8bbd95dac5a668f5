-- CreateTable
CREATE TABLE "seller_gigs" (
    "gig_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "active" BOOLEAN NOT NULL,

    CONSTRAINT "seller_gigs_pkey" PRIMARY KEY ("gig_id")
);

-- CreateIndex
CREATE INDEX "seller_gigs_seller_id_idx" ON "seller_gigs"("seller_id");
