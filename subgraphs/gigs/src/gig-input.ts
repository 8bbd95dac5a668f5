import { z } from 'zod';
import { isSubCategoryOf } from './categories.js';

/** What createGig/updateGig accept, trimmed and checked; field errors name the input field. */

const title = z
  .string()
  .trim()
  .min(10, 'Must be 10–80 characters.')
  .max(80, 'Must be 10–80 characters.');
const description = z
  .string()
  .trim()
  .min(20, 'Must be 20–5,000 characters.')
  .max(5_000, 'Must be 20–5,000 characters.');
const priceCents = z
  .number()
  .int()
  .min(500, 'Must be 500–100,000,000 cents.')
  .max(100_000_000, 'Must be 500–100,000,000 cents.');
const tag = z
  .string()
  .trim()
  .min(2, 'Must be 2–30 characters.')
  .max(30, 'Must be 2–30 characters.');
const tags = z
  .array(tag)
  .min(1, 'Give 1–5 tags.')
  .max(5, 'Give 1–5 tags.')
  // Case-insensitive duplicates dropped, the first spelling kept.
  .transform((list) =>
    list.filter(
      (item, index) =>
        list.findIndex((other) => other.toLowerCase() === item.toLowerCase()) === index,
    ),
  );
const currency = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{3}$/, 'Must be an ISO 4217 code, e.g. USD.'));
const deliveryDays = z.number().int().min(1, 'Must be 1–90 days.').max(90, 'Must be 1–90 days.');
const coverImageUrl = z
  .string()
  .trim()
  .max(2_000)
  .url('Must be an http(s) URL.')
  .refine((value) => /^https?:\/\//i.test(value), 'Must be an http(s) URL.')
  .nullable();

const knownPair = (value: { category?: string | null; subCategory?: string | null }) =>
  value.category == null || value.subCategory == null
    ? true
    : isSubCategoryOf(value.category, value.subCategory);

export const createGigSchema = z
  .object({
    title,
    description,
    category: z.string().trim(),
    subCategory: z.string().trim(),
    tags,
    priceCents,
    currency: currency.default('USD'),
    deliveryDays,
    coverImageUrl: coverImageUrl.optional().transform((value) => value ?? null),
  })
  .refine(knownPair, { message: 'Not a known category and sub-category.', path: ['subCategory'] });
export type CreateGigFields = z.infer<typeof createGigSchema>;

export const updateGigSchema = z
  .object({
    title: title.optional(),
    description: description.optional(),
    category: z.string().trim().optional(),
    subCategory: z.string().trim().optional(),
    tags: tags.optional(),
    priceCents: priceCents.optional(),
    currency: currency.optional(),
    deliveryDays: deliveryDays.optional(),
    coverImageUrl: coverImageUrl.optional(),
  })
  .refine((value) => (value.category === undefined) === (value.subCategory === undefined), {
    message: 'Give category and subCategory together.',
    path: ['subCategory'],
  })
  .refine(knownPair, { message: 'Not a known category and sub-category.', path: ['subCategory'] });
export type UpdateGigFields = z.infer<typeof updateGigSchema>;
