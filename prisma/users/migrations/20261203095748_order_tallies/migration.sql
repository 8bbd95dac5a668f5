-- CreateTable
CREATE TABLE "order_tallies" (
    "order_id" UUID NOT NULL,
    "buyer_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "seller_earnings_cents" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_tallies_pkey" PRIMARY KEY ("order_id")
);

-- CreateIndex
CREATE INDEX "order_tallies_seller_id_status_idx" ON "order_tallies"("seller_id", "status");

-- CreateIndex
CREATE INDEX "order_tallies_buyer_id_status_idx" ON "order_tallies"("buyer_id", "status");
