import type { OfferRecord, OfferState } from './records.js';

/** An offer not answered within this long expires. */
export const OFFER_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export function offerExpiry(sentAt: Date): Date {
  return new Date(sentAt.getTime() + OFFER_LIFETIME_MS);
}

/**
 * The offer's state at `now`: an OPEN offer past its expiry is EXPIRED even before the sweep
 * has written it (reads never show an offer open that can no longer be answered).
 */
export function offerStateAt(
  offer: Pick<OfferRecord, 'state' | 'expiresAt'>,
  now: Date,
): OfferState {
  return offer.state === 'OPEN' && offer.expiresAt.getTime() <= now.getTime()
    ? 'EXPIRED'
    : offer.state;
}

/** The offer as a reader sees it at `now`. */
export function offerAt(offer: OfferRecord, now: Date): OfferRecord {
  const state = offerStateAt(offer, now);
  return state === offer.state ? offer : { ...offer, state, updatedAt: offer.expiresAt };
}
