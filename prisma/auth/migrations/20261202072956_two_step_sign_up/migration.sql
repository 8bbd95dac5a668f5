-- CreateTable
CREATE TABLE "pending_sign_ups" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "profile_picture_url" TEXT,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pending_sign_ups_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "pending_sign_ups_email_key" ON "pending_sign_ups"("email");

-- CreateIndex
CREATE UNIQUE INDEX "pending_sign_ups_token_hash_key" ON "pending_sign_ups"("token_hash");

-- CreateIndex
CREATE INDEX "pending_sign_ups_expires_at_idx" ON "pending_sign_ups"("expires_at");

-- Email verification is part of sign-up now (completeSignUp): the VERIFY_EMAIL tokens and their
-- events (no longer a contract, so the relay could not publish them) are removed with it.
DELETE FROM "one_time_tokens" WHERE "purpose" = 'VERIFY_EMAIL';
DELETE FROM "outbox_events" WHERE "type" = 'auth.email.verification_requested';
