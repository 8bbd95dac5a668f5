import type { Sizes } from './args.js';
import { Random } from './random.js';
import {
  CERTIFICATE_ISSUERS,
  COMPANIES,
  DEGREES,
  LEVELS,
  REGIONS,
  RESPONSE_HOURS,
  SCHOOLS,
  TRADES,
  type Region,
} from './words.js';

/** Every seeded member signs in with this password (the playground, the examples). */
export const SEED_PASSWORD = 'jobber marketplace seed';

/** Who a member is before they sign up: all of it follows from the seed number. */
export interface PlannedMember {
  username: string;
  email: string;
  country: string;
  firstName: string;
  lastName: string;
  /** The seller profile's input (`becomeSeller`), for sellers only. */
  seller?: SellerProfileInput;
}

export interface SellerProfileInput {
  fullName: string;
  oneliner: string;
  description: string;
  skills: string[];
  languages: { language: string; level: 'BASIC' | 'CONVERSATIONAL' | 'FLUENT' | 'NATIVE' }[];
  experience: {
    company: string;
    title: string;
    startDate: string;
    endDate: string | null;
    description: string;
  }[];
  education: { school: string; degree: string; major: string; country: string; year: number }[];
  certificates: { name: string; issuer: string; year: number }[];
  responseTimeHours: number;
}

export interface MemberPlan {
  sellers: PlannedMember[];
  buyers: PlannedMember[];
}

/** The members of seed `seed`: sellers first, then buyers; usernames unique across both. */
export function planMembers(seed: number, sizes: Sizes): MemberPlan {
  const taken = new Set<string>();
  const sellerRandom = new Random(seed, 'sellers');
  const buyerRandom = new Random(seed, 'buyers');
  const sellers = Array.from({ length: sizes.sellers }, () => {
    const person = planPerson(sellerRandom, taken);
    return { ...person, seller: sellerProfile(sellerRandom, person) };
  });
  const buyers = Array.from({ length: sizes.buyers }, () => planPerson(buyerRandom, taken));
  return { sellers, buyers };
}

type Person = Omit<PlannedMember, 'seller'> & { region: Region };

function planPerson(random: Random, taken: Set<string>): Person {
  const region = random.pick(REGIONS);
  const firstName = random.pick(region.firstNames);
  const lastName = random.pick(region.lastNames);
  const first = ascii(firstName);
  const last = ascii(lastName);
  const style = random.int(0, 3);
  let base =
    style === 0
      ? `${first}${last}`
      : style === 1
        ? `${first}_${last}`
        : style === 2
          ? `${first}${last[0]}`
          : `${first[0]}${last}`;
  base = base.slice(0, 24);
  let username = style >= 2 ? `${base}${random.int(1, 99)}` : base;
  while (taken.has(username)) username = `${base}${random.int(1, 999)}`;
  taken.add(username);
  return {
    username,
    email: `${username}@example.com`,
    country: random.pick(region.countries),
    firstName,
    lastName,
    region,
  };
}

/** The member under another username (one taken by another seed's member). */
export function renamed(member: PlannedMember, suffix: number): PlannedMember {
  const username = `${member.username.slice(0, 24)}${suffix}`;
  return { ...member, username, email: `${username}@example.com` };
}

/** Lower-case ASCII letters only (usernames allow letters, digits, `_` and `-`). */
function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function sellerProfile(random: Random, person: Person): SellerProfileInput {
  const trade = random.pick(TRADES);
  const years = random.int(1, 12);
  const work = random.pick(trade.work);
  const title = random.pick(trade.titles);
  const languages: SellerProfileInput['languages'] = [
    { language: person.region.language, level: 'NATIVE' },
  ];
  if (person.region.language !== 'English') {
    languages.push({ language: 'English', level: random.pick(LEVELS) });
  }
  if (random.chance(0.25)) {
    const other = random.pick(['French', 'Spanish', 'German', 'Portuguese', 'Arabic']);
    if (!languages.some((l) => l.language === other)) {
      languages.push({ language: other, level: random.pick(LEVELS) });
    }
  }
  const startYear = 2025 - years;
  const experience: SellerProfileInput['experience'] = [
    {
      company: random.pick(COMPANIES),
      title,
      startDate: `${startYear}-${String(random.int(1, 12)).padStart(2, '0')}`,
      endDate: random.chance(0.6) ? null : `${Math.min(2025, startYear + random.int(1, years))}-06`,
      description: `Made ${work} for clients of every size.`,
    },
  ];
  const education = random.chance(0.7)
    ? [
        {
          school: `${person.lastName} ${random.pick(SCHOOLS)}`,
          degree: random.pick(DEGREES),
          major: title.replace(/ (Developer|Engineer|Specialist)$/, ''),
          country: person.country,
          year: startYear - random.int(0, 3),
        },
      ]
    : [];
  const certificates = random.chance(0.5)
    ? [
        {
          name: `${random.pick(trade.skills)} certificate`,
          issuer: random.pick(CERTIFICATE_ISSUERS),
          year: random.int(startYear, 2025),
        },
      ]
    : [];
  return {
    fullName: `${person.firstName} ${person.lastName}`,
    oneliner: random.pick(trade.oneliners),
    description:
      `${title} with ${years} year${years === 1 ? '' : 's'} of experience. I have made ${work} ` +
      `for clients in ${random.int(3, 40)} countries. Clear updates, on time, and revisions until you are happy.`,
    skills: random.sample(trade.skills, random.int(3, 5)),
    languages,
    experience,
    education,
    certificates,
    responseTimeHours: random.pick(RESPONSE_HOURS),
  };
}
