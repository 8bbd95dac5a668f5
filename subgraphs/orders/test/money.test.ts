import { describe, expect, it } from 'vitest';
import {
  orderMoney,
  percentageFeeCents,
  sellerEarningsCents,
  serviceFeeCents,
} from '../src/money.js';

describe('order money (integer cents)', () => {
  it('charges 5.5 % rounded half up, plus 200 cents under 5,000 cents', () => {
    expect(orderMoney(1_000)).toEqual({
      priceCents: 1_000,
      serviceFeeCents: 55 + 200,
      totalCents: 1_255,
      sellerEarningsCents: 800,
    });
    expect(orderMoney(10_000)).toEqual({
      priceCents: 10_000,
      serviceFeeCents: 550,
      totalCents: 10_550,
      sellerEarningsCents: 8_000,
    });
  });

  it('rounds the percentage half up at exactly half a cent, down below it', () => {
    // 10 × 5.5 % = 0.55 → 1; 9 × 5.5 % = 0.495 → 0; 1,010 × 5.5 % = 55.55 → 56.
    expect(percentageFeeCents(10)).toBe(1);
    expect(percentageFeeCents(9)).toBe(0);
    expect(percentageFeeCents(1_010)).toBe(56);
    // 4,990 × 5.5 % = 274.45 → 274; 5,010 × 5.5 % = 275.55 → 276.
    expect(percentageFeeCents(4_990)).toBe(274);
    expect(percentageFeeCents(5_010)).toBe(276);
    // 100 × 5.5 % = 5.5 exactly → 6 (half up, not half even).
    expect(percentageFeeCents(100)).toBe(6);
    expect(percentageFeeCents(300)).toBe(17); // 16.5 → 17
  });

  it('adds the small-order fee below 5,000 cents only', () => {
    expect(serviceFeeCents(4_999)).toBe(275 + 200); // 274.945 → 275
    expect(serviceFeeCents(5_000)).toBe(275);
    expect(serviceFeeCents(5_001)).toBe(275); // 275.055 → 275
  });

  it('pays the seller 80 % rounded down', () => {
    expect(sellerEarningsCents(999)).toBe(799); // 799.2
    expect(sellerEarningsCents(1_001)).toBe(800); // 800.8
    expect(sellerEarningsCents(5)).toBe(4);
    expect(sellerEarningsCents(100_000_000)).toBe(80_000_000);
  });

  it('keeps total = price + fee and refuses prices out of range', () => {
    for (const price of [1, 99, 4_999, 5_000, 12_345, 100_000_000]) {
      const money = orderMoney(price);
      expect(money.totalCents).toBe(money.priceCents + money.serviceFeeCents);
      expect(Number.isSafeInteger(money.serviceFeeCents)).toBe(true);
    }
    expect(() => orderMoney(0)).toThrow(RangeError);
    expect(() => orderMoney(1.5)).toThrow(RangeError);
    expect(() => orderMoney(100_000_001)).toThrow(RangeError);
  });
});
