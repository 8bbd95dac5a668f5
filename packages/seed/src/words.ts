/**
 * The seed's compact word lists: enough variety for a believable marketplace without a faker
 * dependency. Names are grouped by region so a member's name, country and languages agree.
 */
export interface Region {
  countries: readonly string[];
  /** The language most members here speak natively. */
  language: string;
  firstNames: readonly string[];
  lastNames: readonly string[];
}

export const REGIONS: readonly Region[] = [
  {
    countries: ['NG', 'GH'],
    language: 'English',
    firstNames: [
      'Amara',
      'Chinedu',
      'Ngozi',
      'Tunde',
      'Kemi',
      'Emeka',
      'Ifeoma',
      'Kwame',
      'Adwoa',
      'Yaw',
    ],
    lastNames: ['Okafor', 'Adeyemi', 'Eze', 'Balogun', 'Mensah', 'Owusu', 'Nwosu', 'Boateng'],
  },
  {
    countries: ['KE', 'TZ'],
    language: 'Swahili',
    firstNames: ['Wanjiru', 'Otieno', 'Achieng', 'Baraka', 'Neema', 'Juma', 'Zawadi', 'Imani'],
    lastNames: ['Kamau', 'Mwangi', 'Odhiambo', 'Njoroge', 'Wambui', 'Mollel', 'Kimaro'],
  },
  {
    countries: ['DE', 'AT'],
    language: 'German',
    firstNames: ['Lena', 'Jonas', 'Mia', 'Lukas', 'Hannah', 'Felix', 'Clara', 'Moritz'],
    lastNames: ['Müller', 'Schmidt', 'Weber', 'Fischer', 'Becker', 'Hoffmann', 'Wagner'],
  },
  {
    countries: ['GB', 'IE'],
    language: 'English',
    firstNames: ['Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Freya', 'Aoife', 'Cian'],
    lastNames: ['Smith', 'Taylor', 'Brown', 'Walsh', 'Murphy', 'Evans', 'Clarke', 'Byrne'],
  },
  {
    countries: ['US', 'CA'],
    language: 'English',
    firstNames: ['Emma', 'Liam', 'Ava', 'Noah', 'Sophia', 'Ethan', 'Chloe', 'Mason', 'Maya'],
    lastNames: ['Johnson', 'Williams', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Martin'],
  },
  {
    countries: ['BR', 'PT'],
    language: 'Portuguese',
    firstNames: ['Ana', 'João', 'Beatriz', 'Pedro', 'Larissa', 'Rafael', 'Camila', 'Tiago'],
    lastNames: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Costa', 'Ferreira', 'Almeida'],
  },
  {
    countries: ['ES', 'MX', 'AR'],
    language: 'Spanish',
    firstNames: ['Lucía', 'Mateo', 'Sofía', 'Diego', 'Valentina', 'Alejandro', 'Carmen'],
    lastNames: ['García', 'Martínez', 'López', 'Hernández', 'Romero', 'Torres', 'Ruiz'],
  },
  {
    countries: ['FR', 'BE'],
    language: 'French',
    firstNames: ['Léa', 'Hugo', 'Chloé', 'Louis', 'Manon', 'Gabriel', 'Camille', 'Jules'],
    lastNames: ['Martin', 'Bernard', 'Dubois', 'Laurent', 'Lefèvre', 'Moreau', 'Girard'],
  },
  {
    countries: ['IN'],
    language: 'Hindi',
    firstNames: ['Aarav', 'Priya', 'Rohan', 'Ananya', 'Vikram', 'Isha', 'Arjun', 'Kavya'],
    lastNames: ['Sharma', 'Patel', 'Iyer', 'Reddy', 'Gupta', 'Nair', 'Menon', 'Singh'],
  },
  {
    countries: ['PL'],
    language: 'Polish',
    firstNames: ['Zofia', 'Jakub', 'Maja', 'Kacper', 'Julia', 'Szymon', 'Oliwia'],
    lastNames: ['Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kamiński', 'Lewandowski'],
  },
  {
    countries: ['VN'],
    language: 'Vietnamese',
    firstNames: ['Linh', 'Minh', 'Trang', 'Huy', 'Thao', 'Duc', 'Mai', 'Khoa'],
    lastNames: ['Nguyen', 'Tran', 'Le', 'Pham', 'Hoang', 'Vu', 'Dang'],
  },
  {
    countries: ['PH'],
    language: 'Filipino',
    firstNames: ['Angel', 'Joshua', 'Princess', 'Mark', 'Kristine', 'Paolo', 'Bea'],
    lastNames: ['Santos', 'Reyes', 'Cruz', 'Bautista', 'Garcia', 'Mendoza', 'Villanueva'],
  },
];

/** A seller's line of work: the skills and the words their profile is written from. */
export interface Trade {
  skills: readonly string[];
  oneliners: readonly string[];
  /** What they make, for the description ("… I have made {work} for …"). */
  work: readonly string[];
  titles: readonly string[];
}

export const TRADES: readonly Trade[] = [
  {
    skills: ['logo design', 'branding', 'illustrator', 'typography', 'brand guidelines', 'figma'],
    oneliners: ['Logos and brand identities that last', 'Brand designer for bold small businesses'],
    work: ['logos and brand books', 'visual identities'],
    titles: ['Brand Designer', 'Graphic Designer'],
  },
  {
    skills: ['react', 'typescript', 'next.js', 'node.js', 'graphql', 'postgresql', 'tailwind css'],
    oneliners: ['Full-stack web apps in React and Node', 'Fast, accessible websites in Next.js'],
    work: ['web apps and dashboards', 'online shops and landing pages'],
    titles: ['Full-Stack Developer', 'Frontend Engineer'],
  },
  {
    skills: ['flutter', 'swift', 'kotlin', 'react native', 'firebase', 'app store optimization'],
    oneliners: ['iOS and Android apps from idea to store', 'Mobile apps your users will love'],
    work: ['mobile apps', 'iOS and Android apps'],
    titles: ['Mobile Developer', 'iOS Engineer'],
  },
  {
    skills: ['copywriting', 'seo writing', 'blog posts', 'proofreading', 'content strategy'],
    oneliners: ['Copy that sells, in plain words', 'SEO articles that rank and read well'],
    work: ['articles, newsletters and product pages', 'website copy'],
    titles: ['Copywriter', 'Content Writer'],
  },
  {
    skills: ['video editing', 'premiere pro', 'after effects', 'motion graphics', 'color grading'],
    oneliners: ['Video editing for YouTube and ads', 'Motion graphics that explain in seconds'],
    work: ['YouTube videos, ads and explainers', 'animated explainers'],
    titles: ['Video Editor', 'Motion Designer'],
  },
  {
    skills: ['translation', 'localization', 'subtitling', 'transcription', 'proofreading'],
    oneliners: ['Human translation, never machine-only', 'Localization for apps and websites'],
    work: ['translated contracts, apps and websites', 'subtitles for films and courses'],
    titles: ['Translator', 'Localization Specialist'],
  },
  {
    skills: ['data analysis', 'python', 'sql', 'power bi', 'excel', 'machine learning', 'pandas'],
    oneliners: ['Dashboards and answers from your data', 'Data analysis in Python and SQL'],
    work: ['dashboards and reports', 'forecasting models'],
    titles: ['Data Analyst', 'Data Scientist'],
  },
  {
    skills: ['social media marketing', 'google ads', 'facebook ads', 'email marketing', 'seo'],
    oneliners: ['Ads that pay for themselves', 'Social media growth without the fluff'],
    work: ['ad campaigns and content calendars', 'email campaigns'],
    titles: ['Digital Marketer', 'Growth Marketer'],
  },
  {
    skills: ['voice over', 'audio editing', 'podcast editing', 'mixing', 'sound design'],
    oneliners: ['Warm, clear voice-overs in 24 hours', 'Podcast editing that sounds pro'],
    work: ['voice-overs, podcasts and audiobooks', 'jingles and sound design'],
    titles: ['Voice Actor', 'Audio Engineer'],
  },
  {
    skills: ['ui design', 'ux research', 'figma', 'prototyping', 'wireframing', 'design systems'],
    oneliners: ['UI/UX design for apps and SaaS', 'Design systems that scale with you'],
    work: ['app screens and design systems', 'prototypes tested with real users'],
    titles: ['Product Designer', 'UX Designer'],
  },
];

export const COMPANIES = [
  'Northwind',
  'Bluefin Labs',
  'Kite & Co',
  'Lumen Studio',
  'Orbit Media',
  'Paperplane',
  'Riverstone',
  'Sunday Agency',
  'Tallgrass',
  'Acacia Digital',
];
export const SCHOOLS = [
  'State University',
  'Polytechnic Institute',
  'City College',
  'Open University',
  'School of Design',
  'Institute of Technology',
];
export const DEGREES = ['B.Sc.', 'B.A.', 'M.Sc.', 'M.A.', 'Diploma'];
export const CERTIFICATE_ISSUERS = ['Google', 'Adobe', 'Meta', 'Coursera', 'HubSpot', 'Microsoft'];
export const LEVELS = ['BASIC', 'CONVERSATIONAL', 'FLUENT'] as const;
export const RESPONSE_HOURS = [1, 2, 3, 4, 6, 8, 12, 24, 48];
