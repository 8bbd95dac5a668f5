-- DropForeignKey
ALTER TABLE "known_devices" DROP CONSTRAINT "known_devices_user_id_fkey";

-- DropIndex
DROP INDEX "sign_in_challenges_user_id_idx";

-- DropTable
DROP TABLE "known_devices";

-- CreateTable
CREATE TABLE "trusted_devices" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trusted_devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sign_in_code_budgets" (
    "user_id" UUID NOT NULL,
    "window_started_at" TIMESTAMPTZ(3) NOT NULL,
    "spent" INTEGER NOT NULL,

    CONSTRAINT "sign_in_code_budgets_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "trusted_devices_secret_hash_key" ON "trusted_devices"("secret_hash");

-- CreateIndex
CREATE INDEX "trusted_devices_user_id_idx" ON "trusted_devices"("user_id");

-- CreateIndex
CREATE INDEX "sign_in_challenges_user_id_created_at_idx" ON "sign_in_challenges"("user_id", "created_at");

-- AddForeignKey
ALTER TABLE "trusted_devices" ADD CONSTRAINT "trusted_devices_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sign_in_code_budgets" ADD CONSTRAINT "sign_in_code_budgets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
