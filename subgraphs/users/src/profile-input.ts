import { z } from 'zod';

/** The limits of a seller profile (the API documents them; tests check each group). */
export const LIMITS = {
  fullName: { min: 2, max: 100 },
  oneliner: { min: 5, max: 120 },
  description: { min: 20, max: 2000 },
  skills: { min: 1, max: 20, length: 40 },
  languages: { min: 1, max: 10, length: 40 },
  entries: 20,
  entryText: 120,
  entryDescription: 1000,
  socialLinks: 10,
  urlLength: 2048,
  responseTimeHours: { min: 1, max: 720 },
  firstYear: 1950,
} as const;

export const LANGUAGE_LEVELS = ['BASIC', 'CONVERSATIONAL', 'FLUENT', 'NATIVE'] as const;
export type LanguageLevel = (typeof LANGUAGE_LEVELS)[number];

const text = (what: string, min: number, max: number) =>
  z
    .string({ error: `${what} must be text.` })
    .trim()
    .min(min, min === 1 ? `${what} is required.` : `${what} must be at least ${min} characters.`)
    .max(max, `${what} must be at most ${max} characters.`);

/** Case-insensitive de-duplication that keeps the first spelling, in order. */
function uniqueIgnoringCase(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
}

/** The rules that depend on today's date (years up to next year). */
function datedRules(now: Date) {
  const lastYear = now.getUTCFullYear() + 1;
  const year = z
    .number({ error: 'Year must be a number.' })
    .int('Year must be a whole number.')
    .min(LIMITS.firstYear, `Year must be ${LIMITS.firstYear} or later.`)
    .max(lastYear, `Year must be ${lastYear} or earlier.`);
  const yearMonth = z
    .string()
    .trim()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Use the form yyyy-mm, e.g. 2021-04.')
    .refine((value) => {
      const y = Number(value.slice(0, 4));
      return y >= LIMITS.firstYear && y <= lastYear;
    }, `The year must be between ${LIMITS.firstYear} and ${lastYear}.`);
  return { year, yearMonth };
}

function sellerFieldRules(now: Date) {
  const { year, yearMonth } = datedRules(now);
  const entries = <T extends z.ZodType>(item: T, what: string) =>
    z.array(item).max(LIMITS.entries, `At most ${LIMITS.entries} ${what}.`);

  const experience = z
    .object({
      company: text('Company', 1, LIMITS.entryText),
      title: text('Title', 1, LIMITS.entryText),
      startDate: yearMonth,
      endDate: yearMonth.nullish().transform((value) => value ?? null),
      description: z
        .string()
        .trim()
        .max(
          LIMITS.entryDescription,
          `Description must be at most ${LIMITS.entryDescription} characters.`,
        ),
    })
    .superRefine((entry, ctx) => {
      // Runs even when other fields failed, so check the types first.
      if (typeof entry.startDate !== 'string' || typeof entry.endDate !== 'string') return;
      // yyyy-mm strings compare in date order.
      if (entry.endDate < entry.startDate) {
        ctx.addIssue({
          code: 'custom',
          path: ['endDate'],
          message: 'The end date must not be before the start date.',
        });
      }
    });

  const language = z.object({
    language: text('Language', 1, LIMITS.languages.length),
    level: z.enum(LANGUAGE_LEVELS, {
      error: `Level must be one of ${LANGUAGE_LEVELS.join(', ')}.`,
    }),
  });

  return {
    fullName: text('Full name', LIMITS.fullName.min, LIMITS.fullName.max),
    oneliner: text('One-liner', LIMITS.oneliner.min, LIMITS.oneliner.max),
    description: text('Description', LIMITS.description.min, LIMITS.description.max),
    skills: z
      .array(text('Skill', 1, LIMITS.skills.length))
      .min(LIMITS.skills.min, 'Add at least one skill.')
      .max(LIMITS.skills.max, `At most ${LIMITS.skills.max} skills.`)
      .transform(uniqueIgnoringCase),
    languages: z
      .array(language)
      .min(LIMITS.languages.min, 'Add at least one language.')
      .max(LIMITS.languages.max, `At most ${LIMITS.languages.max} languages.`)
      .superRefine((languages, ctx) => {
        const seen = new Set<string>();
        languages.forEach((entry, index) => {
          if (typeof entry.language !== 'string') return;
          const key = entry.language.toLowerCase();
          if (seen.has(key)) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'language'],
              message: 'This language is listed twice.',
            });
          }
          seen.add(key);
        });
      }),
    experience: entries(experience, 'experience entries'),
    education: entries(
      z.object({
        school: text('School', 1, LIMITS.entryText),
        degree: text('Degree', 1, LIMITS.entryText),
        major: text('Major', 1, LIMITS.entryText),
        country: z
          .string()
          .trim()
          .toUpperCase()
          .regex(/^[A-Z]{2}$/, 'Country must be an ISO 3166-1 alpha-2 code, e.g. "DE".'),
        year,
      }),
      'education entries',
    ),
    certificates: entries(
      z.object({
        name: text('Certificate name', 1, LIMITS.entryText),
        issuer: text('Issuer', 1, LIMITS.entryText),
        year,
      }),
      'certificates',
    ),
    socialLinks: z
      .array(
        z
          .string()
          .trim()
          .max(LIMITS.urlLength, `A link must be at most ${LIMITS.urlLength} characters.`)
          .refine(isHttpUrl, 'Enter an http(s) URL.'),
      )
      .max(LIMITS.socialLinks, `At most ${LIMITS.socialLinks} links.`)
      .transform((links) => [...new Set(links)]),
    responseTimeHours: z
      .number({ error: 'Response time must be a number of hours.' })
      .int('Response time must be a whole number of hours.')
      .min(LIMITS.responseTimeHours.min, 'Response time must be at least 1 hour.')
      .max(LIMITS.responseTimeHours.max, 'Response time must be at most 720 hours (30 days).'),
  };
}

/** Null or missing lists mean "none" when a profile is created. */
const listOrEmpty = <T extends z.ZodType<unknown[]>>(schema: T) =>
  schema.nullish().transform((value): z.output<T> | never[] => value ?? []);

/** Null or missing means "leave as it is" in an update. */
const given = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value): z.output<T> | undefined => value ?? undefined);

/** `becomeSeller`: every field required except the lists, which default to empty. */
export function sellerProfileInputSchema(now: Date) {
  const rules = sellerFieldRules(now);
  return z.object({
    fullName: rules.fullName,
    oneliner: rules.oneliner,
    description: rules.description,
    skills: rules.skills,
    languages: rules.languages,
    experience: listOrEmpty(rules.experience),
    education: listOrEmpty(rules.education),
    certificates: listOrEmpty(rules.certificates),
    socialLinks: listOrEmpty(rules.socialLinks),
    responseTimeHours: rules.responseTimeHours,
  });
}
export type SellerProfileInput = z.output<ReturnType<typeof sellerProfileInputSchema>>;
export type SellerLanguage = SellerProfileInput['languages'][number];
export type ExperienceEntry = SellerProfileInput['experience'][number];
export type EducationEntry = SellerProfileInput['education'][number];
export type CertificateEntry = SellerProfileInput['certificates'][number];

/** `updateSellerProfile`: only the fields given change; each follows the same rule. */
export function sellerProfileUpdateSchema(now: Date) {
  const rules = sellerFieldRules(now);
  return z.object({
    fullName: given(rules.fullName),
    oneliner: given(rules.oneliner),
    description: given(rules.description),
    skills: given(rules.skills),
    languages: given(rules.languages),
    experience: given(rules.experience),
    education: given(rules.education),
    certificates: given(rules.certificates),
    socialLinks: given(rules.socialLinks),
    responseTimeHours: given(rules.responseTimeHours),
  });
}
export type SellerProfileUpdate = z.output<ReturnType<typeof sellerProfileUpdateSchema>>;
