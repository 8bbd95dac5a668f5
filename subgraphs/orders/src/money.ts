/**
 * Order money in integer cents (docs/2026-12-03-orders.md):
 * - service fee (the buyer pays it on top): 5.5 % of the price rounded half up to a whole cent,
 *   plus 200 cents when the price is under 5,000 cents;
 * - total = price + fee;
 * - the seller earns 80 % of the price rounded down (never more than 80 %).
 * Integer arithmetic only: price × 55 stays far below 2^53 for any price we accept.
 */
export const FEE_PER_MILLE = 55;
export const SMALL_ORDER_LIMIT_CENTS = 5_000;
export const SMALL_ORDER_FEE_CENTS = 200;
export const SELLER_SHARE_PERCENT = 80;
/** The highest price an order may have (chat offers allow the same). */
export const MAX_PRICE_CENTS = 100_000_000;

export interface OrderMoney {
  priceCents: number;
  serviceFeeCents: number;
  totalCents: number;
  sellerEarningsCents: number;
}

/** round-half-up(price × 5.5 %): (price × 55 + 500) div 1000 for a non-negative price. */
export function percentageFeeCents(priceCents: number): number {
  return Math.floor((priceCents * FEE_PER_MILLE + 500) / 1000);
}

export function serviceFeeCents(priceCents: number): number {
  return (
    percentageFeeCents(priceCents) +
    (priceCents < SMALL_ORDER_LIMIT_CENTS ? SMALL_ORDER_FEE_CENTS : 0)
  );
}

export function sellerEarningsCents(priceCents: number): number {
  return Math.floor((priceCents * SELLER_SHARE_PERCENT) / 100);
}

export function orderMoney(priceCents: number): OrderMoney {
  if (!Number.isSafeInteger(priceCents) || priceCents <= 0 || priceCents > MAX_PRICE_CENTS) {
    throw new RangeError(`price must be 1–${MAX_PRICE_CENTS} cents, got ${priceCents}`);
  }
  const fee = serviceFeeCents(priceCents);
  return {
    priceCents,
    serviceFeeCents: fee,
    totalCents: priceCents + fee,
    sellerEarningsCents: sellerEarningsCents(priceCents),
  };
}
