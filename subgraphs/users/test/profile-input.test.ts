import { InputError, parseInput } from '@jobber/service-kit';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { sellerProfileInputSchema, sellerProfileUpdateSchema } from '../src/profile-input.js';

const now = new Date('2026-11-25T12:00:00Z');

function valid(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    fullName: 'Ada Lovelace',
    oneliner: 'I write programs',
    description: 'Twenty years of analytical engine programming.',
    skills: ['TypeScript'],
    languages: [{ language: 'English', level: 'NATIVE' }],
    responseTimeHours: 24,
    ...overrides,
  };
}

/** The fields named by the issues of parsing `input`, or [] when it is valid. */
function failedFields(
  input: unknown,
  schema: z.ZodType<unknown> = sellerProfileInputSchema(now),
): string[] {
  try {
    parseInput(schema, input);
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.issues.map((issue) => issue.field);
  }
}

const many = <T>(count: number, make: (index: number) => T): T[] =>
  Array.from({ length: count }, (_, index) => make(index));

const experience = (overrides: Record<string, unknown> = {}) => ({
  company: 'Acme',
  title: 'Engineer',
  startDate: '2020-01',
  endDate: '2021-06',
  description: '',
  ...overrides,
});
const education = (overrides: Record<string, unknown> = {}) => ({
  school: 'TU',
  degree: 'BSc',
  major: 'CS',
  country: 'de',
  year: 2015,
  ...overrides,
});
const certificate = (overrides: Record<string, unknown> = {}) => ({
  name: 'Cert',
  issuer: 'Org',
  year: 2020,
  ...overrides,
});

describe('seller profile input', () => {
  it('accepts a complete profile and normalises it', () => {
    const parsed = parseInput(
      sellerProfileInputSchema(now),
      valid({
        fullName: '  Ada Lovelace ',
        skills: [' TypeScript ', 'typescript', 'GraphQL', 'TYPESCRIPT'],
        experience: [experience({ endDate: undefined })],
        education: [education()],
        certificates: [certificate({ year: 2027 })],
        socialLinks: ['https://example.com', 'http://example.org/x', 'https://example.com'],
      }),
    );
    expect(parsed.fullName).toBe('Ada Lovelace');
    expect(parsed.skills).toEqual(['TypeScript', 'GraphQL']);
    expect(parsed.experience[0]?.endDate).toBeNull();
    expect(parsed.education[0]?.country).toBe('DE');
    expect(parsed.socialLinks).toEqual(['https://example.com', 'http://example.org/x']);
  });

  it('turns missing or null lists into empty ones', () => {
    const parsed = parseInput(sellerProfileInputSchema(now), valid({ experience: null }));
    expect(parsed).toMatchObject({
      experience: [],
      education: [],
      certificates: [],
      socialLinks: [],
    });
  });

  it.each([
    ['fullName too short', { fullName: 'A' }, 'fullName'],
    ['fullName too long', { fullName: 'a'.repeat(101) }, 'fullName'],
    ['fullName blank after trimming', { fullName: '   ' }, 'fullName'],
    ['oneliner too short', { oneliner: 'abcd' }, 'oneliner'],
    ['oneliner too long', { oneliner: 'a'.repeat(121) }, 'oneliner'],
    ['description too short', { description: 'a'.repeat(19) }, 'description'],
    ['description too long', { description: 'a'.repeat(2001) }, 'description'],
    ['no skills', { skills: [] }, 'skills'],
    ['21 skills', { skills: many(21, (i) => `skill ${i}`) }, 'skills'],
    ['a blank skill', { skills: ['ok', 'fine', '  '] }, 'skills.2'],
    ['a 41-character skill', { skills: ['a'.repeat(41)] }, 'skills.0'],
    ['no languages', { languages: [] }, 'languages'],
    [
      '11 languages',
      { languages: many(11, (i) => ({ language: `L${i}`, level: 'BASIC' })) },
      'languages',
    ],
    [
      'a blank language',
      { languages: [{ language: ' ', level: 'NATIVE' }] },
      'languages.0.language',
    ],
    [
      'an unknown level',
      { languages: [{ language: 'German', level: 'EXPERT' }] },
      'languages.0.level',
    ],
    [
      'a language twice',
      {
        languages: [
          { language: 'German', level: 'NATIVE' },
          { language: 'german', level: 'FLUENT' },
        ],
      },
      'languages.1.language',
    ],
    ['21 experience entries', { experience: many(21, () => experience()) }, 'experience'],
    [
      'a month 13',
      { experience: [experience({ startDate: '2021-13' })] },
      'experience.0.startDate',
    ],
    [
      'a date not yyyy-mm',
      { experience: [experience({ startDate: '2021-1' })] },
      'experience.0.startDate',
    ],
    [
      'a year before 1950',
      { experience: [experience({ startDate: '1949-12' })] },
      'experience.0.startDate',
    ],
    [
      'a year after next year',
      { experience: [experience({ endDate: '2028-01' })] },
      'experience.0.endDate',
    ],
    [
      'an end before the start',
      { experience: [experience({ startDate: '2021-05', endDate: '2021-04' })] },
      'experience.0.endDate',
    ],
    ['a blank company', { experience: [experience({ company: '' })] }, 'experience.0.company'],
    ['21 education entries', { education: many(21, () => education()) }, 'education'],
    ['a country name', { education: [education({ country: 'Germany' })] }, 'education.0.country'],
    ['a graduation in 1949', { education: [education({ year: 1949 })] }, 'education.0.year'],
    [
      'a graduation after next year',
      { education: [education({ year: 2028 })] },
      'education.0.year',
    ],
    ['a fractional year', { education: [education({ year: 2015.5 })] }, 'education.0.year'],
    ['21 certificates', { certificates: many(21, () => certificate()) }, 'certificates'],
    [
      'a certificate after next year',
      { certificates: [certificate({ year: 2028 })] },
      'certificates.0.year',
    ],
    ['a blank issuer', { certificates: [certificate({ issuer: ' ' })] }, 'certificates.0.issuer'],
    [
      '11 social links',
      { socialLinks: many(11, (i) => `https://example.com/${i}`) },
      'socialLinks',
    ],
    ['an ftp link', { socialLinks: ['https://ok.example', 'ftp://example.com'] }, 'socialLinks.1'],
    ['a link that is no URL', { socialLinks: ['example.com'] }, 'socialLinks.0'],
    ['a response time of 0', { responseTimeHours: 0 }, 'responseTimeHours'],
    ['a response time over 30 days', { responseTimeHours: 721 }, 'responseTimeHours'],
    ['a fractional response time', { responseTimeHours: 1.5 }, 'responseTimeHours'],
  ])('rejects %s, naming %s', (_case, overrides, field) => {
    expect(failedFields(valid(overrides))[0]).toBe(field);
  });

  it('names the first bad field first', () => {
    expect(failedFields(valid({ fullName: 'A', skills: [], responseTimeHours: 0 }))).toEqual([
      'fullName',
      'skills',
      'responseTimeHours',
    ]);
  });

  it('allows years up to next year, depending on the date', () => {
    const entry = { education: [education({ year: 2027 })] };
    expect(failedFields(valid(entry))).toEqual([]);
    expect(failedFields(valid(entry), sellerProfileInputSchema(new Date('2025-06-01Z')))).toEqual([
      'education.0.year',
    ]);
  });
});

describe('seller profile update', () => {
  const update = sellerProfileUpdateSchema(now);

  it('keeps only the fields given (null means unchanged)', () => {
    expect(parseInput(update, { oneliner: ' New pitch ', skills: null })).toEqual({
      oneliner: 'New pitch',
    });
    expect(parseInput(update, {})).toEqual({});
  });

  it('applies the same rules to the fields given', () => {
    expect(failedFields({ skills: ['ok', ''] }, update)).toEqual(['skills.1']);
    expect(failedFields({ languages: [] }, update)).toEqual(['languages']);
    expect(failedFields({ responseTimeHours: 1000 }, update)).toEqual(['responseTimeHours']);
  });
});
