/**
 * The gigs' word lists, per sub-category slug of gigs' category tree: what a seller offers
 * ("I will …" titles), what it is for, tags, a price range in dollars and a delivery range in
 * days. A sub-category the lists do not know (the tree grew) gets a plain gig from its name.
 */
export interface GigWords {
  /** Finish "I will …": the seller's offer, lower case. */
  offers: readonly string[];
  /** What the work is for, after "for": "your brand", "your startup". */
  purposes: readonly string[];
  tags: readonly string[];
  /** What the buyer gets: a sentence each for the description. */
  includes: readonly string[];
  dollars: readonly [number, number];
  days: readonly [number, number];
}

export const GIG_WORDS: Readonly<Record<string, GigWords>> = {
  'logo-design': {
    offers: [
      'design a minimalist logo',
      'create a modern logo and brand kit',
      'draw a hand-lettered logo',
      'redesign your existing logo',
      'design a mascot logo',
    ],
    purposes: ['your brand', 'your startup', 'your coffee shop', 'your podcast', 'your band'],
    tags: ['logo', 'branding', 'minimalist', 'brand identity', 'vector', 'typography'],
    includes: [
      'Three concepts to choose from, and revisions until the one you pick is right.',
      'Vector files (SVG, EPS, PDF) and transparent PNGs in every size you need.',
      'A one-page brand sheet with colours and fonts.',
    ],
    dollars: [25, 600],
    days: [2, 10],
  },
  illustration: {
    offers: [
      "illustrate a children's book",
      'draw a custom portrait',
      'paint a digital illustration',
      'create flat vector illustrations',
      'draw a comic strip',
    ],
    purposes: ['your book', 'your website', 'your game', 'a gift', 'your album cover'],
    tags: ['illustration', 'digital art', 'drawing', 'character design', 'portrait', 'comic'],
    includes: [
      'Sketches first, so you can steer before the colour goes on.',
      'Print-ready files at 300 dpi, with the layered source file on request.',
      'Full commercial rights to the finished art.',
    ],
    dollars: [30, 900],
    days: [3, 21],
  },
  'web-design': {
    offers: [
      'design a landing page',
      'design a responsive website in Figma',
      'redesign your website',
      'design a Shopify store',
      'create a UI kit',
    ],
    purposes: ['your business', 'your SaaS', 'your online shop', 'your portfolio', 'your agency'],
    tags: ['web design', 'figma', 'ui design', 'landing page', 'ux', 'responsive'],
    includes: [
      'Desktop and mobile layouts, with a clickable prototype.',
      'A tidy Figma file with components your developer will thank you for.',
      'Two rounds of revisions on every page.',
    ],
    dollars: [80, 2000],
    days: [3, 20],
  },
  'web-development': {
    offers: [
      'build a website',
      'develop a React web app',
      'fix bugs in your WordPress site',
      'build a REST or GraphQL API',
      'speed up your website',
    ],
    purposes: ['your business', 'your startup', 'your online shop', 'your blog', 'your clinic'],
    tags: ['web development', 'react', 'wordpress', 'node.js', 'typescript', 'api'],
    includes: [
      'Clean, tested code in your repository, with a short handover document.',
      'Deployment to your hosting, and a week of fixes after launch.',
      'Fast pages: I measure before and after.',
    ],
    dollars: [50, 3000],
    days: [2, 30],
  },
  'mobile-apps': {
    offers: [
      'build an iOS and Android app',
      'develop a Flutter app',
      'fix crashes in your mobile app',
      'publish your app to the stores',
      'build a React Native app',
    ],
    purposes: ['your business', 'your startup', 'your restaurant', 'your gym', 'your community'],
    tags: ['mobile app', 'flutter', 'react native', 'ios', 'android', 'swift'],
    includes: [
      'One code base for both stores, with the source in your repository.',
      'Store listing, screenshots and the review process handled.',
      'Crash reporting set up from day one.',
    ],
    dollars: [150, 5000],
    days: [7, 60],
  },
  'data-science': {
    offers: [
      'analyse your data in Python',
      'build a machine learning model',
      'create a Power BI dashboard',
      'clean and visualise your dataset',
      'scrape and structure web data',
    ],
    purposes: ['your business', 'your research', 'your thesis', 'your sales team', 'your shop'],
    tags: ['data analysis', 'python', 'machine learning', 'dashboard', 'pandas', 'sql'],
    includes: [
      'A notebook you can rerun, and a plain-language summary of what the data says.',
      'Charts ready for your slides.',
      'A call to walk you through the results.',
    ],
    dollars: [40, 2500],
    days: [2, 21],
  },
  articles: {
    offers: [
      'write SEO blog posts',
      'write a long-form article',
      'ghostwrite your newsletter',
      'write product descriptions',
      'write a case study',
    ],
    purposes: ['your blog', 'your SaaS', 'your online shop', 'your agency', 'your LinkedIn'],
    tags: ['blog writing', 'article', 'copywriting', 'seo writing', 'content', 'newsletter'],
    includes: [
      'Researched, original writing with sources, checked for plagiarism.',
      'Headings, meta description and keywords for search.',
      'One free revision within a week.',
    ],
    dollars: [15, 400],
    days: [1, 7],
  },
  translation: {
    offers: [
      'translate English to Spanish',
      'translate German to English',
      'translate your website into French',
      'localise your app into Portuguese',
      'translate legal documents',
    ],
    purposes: ['your business', 'your app', 'your book', 'your shop', 'your clients'],
    tags: ['translation', 'localization', 'spanish', 'german', 'french', 'portuguese'],
    includes: [
      'A native speaker’s translation, never a machine’s.',
      'Your formatting kept, in the file type you sent.',
      'A glossary of your terms so later work stays consistent.',
    ],
    dollars: [10, 500],
    days: [1, 10],
  },
  proofreading: {
    offers: [
      'proofread and edit your book',
      'edit your academic paper',
      'proofread your website copy',
      'polish your CV and cover letter',
      'copy edit your articles',
    ],
    purposes: ['your manuscript', 'your thesis', 'your job search', 'your blog', 'your business'],
    tags: ['proofreading', 'editing', 'copy editing', 'grammar', 'resume', 'academic'],
    includes: [
      'Tracked changes, so you see every edit and keep the last word.',
      'Notes on style and clarity, not only commas.',
      'A second pass after your changes.',
    ],
    dollars: [10, 600],
    days: [1, 14],
  },
  'video-editing': {
    offers: [
      'edit your YouTube videos',
      'edit short videos for Reels and TikTok',
      'edit your wedding film',
      'colour grade your footage',
      'edit your podcast video',
    ],
    purposes: ['your channel', 'your brand', 'your event', 'your course', 'your agency'],
    tags: ['video editing', 'youtube', 'premiere pro', 'reels', 'color grading', 'subtitles'],
    includes: [
      'Cuts, music, titles and captions, exported for every platform you post on.',
      'A first cut in days, then revisions.',
      'Licensed music only.',
    ],
    dollars: [20, 1200],
    days: [1, 14],
  },
  animation: {
    offers: [
      'create a 2D explainer video',
      'animate your logo',
      'make a whiteboard animation',
      'create 3D product animations',
      'animate characters for your game',
    ],
    purposes: ['your startup', 'your product', 'your channel', 'your app', 'your course'],
    tags: ['animation', 'explainer video', 'motion graphics', 'after effects', '3d', '2d'],
    includes: [
      'Script and storyboard approved before animation starts.',
      'A voice-over and sound design, if you want them.',
      'Full HD or 4K export.',
    ],
    dollars: [60, 3000],
    days: [3, 30],
  },
  'voice-over': {
    offers: [
      'record a warm British voice-over',
      'record an American English voice-over',
      'voice your explainer video',
      'record your audiobook',
      'voice characters for your game',
    ],
    purposes: ['your video', 'your ad', 'your e-learning', 'your podcast intro', 'your app'],
    tags: ['voice over', 'voiceover', 'narration', 'audiobook', 'british', 'american'],
    includes: [
      'Broadcast-quality audio from a treated studio.',
      'Retakes for any line that is not quite right.',
      'WAV and MP3, edited and cleaned.',
    ],
    dollars: [15, 800],
    days: [1, 7],
  },
  mixing: {
    offers: [
      'mix and master your song',
      'master your album',
      'clean up your podcast audio',
      'mix your EP',
      'produce a beat',
    ],
    purposes: ['your single', 'your album', 'your podcast', 'your band', 'your film'],
    tags: ['mixing', 'mastering', 'audio', 'music production', 'podcast', 'sound'],
    includes: [
      'Loud, clear masters for streaming, CD and vinyl.',
      'A reference track of your choice matched.',
      'Stems on request.',
    ],
    dollars: [30, 1500],
    days: [2, 14],
  },
  seo: {
    offers: [
      'do an SEO audit of your website',
      'do keyword research',
      'optimise your on-page SEO',
      'fix your technical SEO',
      'build a local SEO plan',
    ],
    purposes: ['your website', 'your shop', 'your clinic', 'your restaurant', 'your SaaS'],
    tags: ['seo', 'keyword research', 'seo audit', 'google', 'local seo', 'backlinks'],
    includes: [
      'A prioritised list of fixes, with what each is worth.',
      'Before-and-after rankings for your main keywords.',
      'A call to go through the report.',
    ],
    dollars: [30, 1500],
    days: [2, 21],
  },
  'social-media': {
    offers: [
      'manage your Instagram',
      'run your Facebook ads',
      'plan a month of social media content',
      'grow your LinkedIn presence',
      'design social media posts',
    ],
    purposes: ['your brand', 'your shop', 'your restaurant', 'your agency', 'your personal brand'],
    tags: ['social media', 'instagram', 'facebook ads', 'content calendar', 'linkedin', 'tiktok'],
    includes: [
      'A content calendar you approve before anything is posted.',
      'Weekly numbers: reach, clicks and what to do next.',
      'Posts designed to your brand.',
    ],
    dollars: [30, 1500],
    days: [3, 30],
  },
};

/** What a seller writes around the offer, for any sub-category. */
export const GIG_OPENERS = [
  'Hi! I am a full-time freelancer and this is what I do best.',
  'Looking for someone reliable? You found them.',
  'Every project starts with a short chat about what you need.',
  'I have done this for clients all over the world.',
];
export const GIG_CLOSERS = [
  'Message me before ordering if you are not sure which package fits.',
  'Fast replies, clear updates, and no surprises.',
  'Your satisfaction comes first: I revise until you are happy.',
  'Let us make something great together.',
];

/** A buyer's first message, and the follow-ups of a conversation. */
export const BUYER_OPENINGS = [
  'Hi! I saw your gig "{title}". Are you available this month?',
  'Hello, I am interested in "{title}". Could you tell me more about how you work?',
  'Hi there, would "{title}" work for a small budget project?',
  'Hey! Before I order "{title}", can I ask a couple of questions?',
];
export const SELLER_REPLIES = [
  'Hi, thanks for reaching out! Yes, I can start this week. What do you have in mind?',
  'Hello! Happy to help. Could you share a few details and any examples you like?',
  'Thanks for your message. Sure, tell me about your project and your deadline.',
];
export const BUYER_DETAILS = [
  'It is for a small business, nothing too complex. I would need it within two weeks.',
  'I have a rough brief ready; I can send it over. Budget is flexible for the right result.',
  'We are launching next month, so timing matters more than anything else.',
];
export const SELLER_FOLLOW_UPS = [
  'Great, that is clear. I will put together an offer for you.',
  'Perfect, I have done similar work before. Let me prepare something.',
];
export const OFFER_DESCRIPTIONS = [
  'Custom offer as discussed: everything in the brief, two rounds of revisions.',
  'Tailored to your project: the full scope we talked about, delivered on time.',
  'As agreed: the work, the source files, and a call at the end.',
];
export const ORDER_REQUIREMENTS = [
  'Our brand colours are navy and coral; the audience is small business owners.',
  'Please follow the attached brief; the deadline matters more than extras.',
  'Keep it simple and clean. I will answer questions within a day.',
  'This is for our launch: we need the source files as well.',
];
export const DELIVERY_MESSAGES = [
  'Here is your delivery: everything in the brief, with the source files. Enjoy!',
  'All done. I have included notes on how to use each part. Let me know what you think.',
  'Delivered as agreed. Happy to walk you through it if useful.',
];
export const REVISION_REASONS = [
  'Close! Could you make the main part a little bolder and fix the typo on page two?',
  'Almost there: please follow the colours in the brief more closely.',
];
export const EXTENSION_REASONS = [
  'The scope grew a little after our last messages; two more days would let me do it right.',
  'I am waiting on the final content from you; could we move the date a bit?',
];
export const CANCELLATION_REASONS = [
  'Our plans changed and we no longer need this, sorry.',
  'I cannot take this on after all; you will get a full refund.',
];
/** Buyers' reviews of sellers, by rating (1–5). */
export const SELLER_REVIEWS: Readonly<Record<number, readonly string[]>> = {
  5: [
    'Outstanding work, delivered early and exactly what we needed. Will order again.',
    'A pleasure to work with: clear questions, quick answers, great result.',
  ],
  4: [
    'Very good result and easy communication; one revision needed, handled quickly.',
    'Solid work at a fair price. Would recommend.',
  ],
  3: ['Decent work, but it took longer than promised.'],
  2: ['The result needed a lot of changes before it was usable.'],
  1: ['Not what was described, and slow to answer.'],
};
export const BUYER_REVIEWS = [
  'Clear brief, quick feedback and friendly: a great buyer to work with.',
  'Knew what they wanted and answered fast. Recommended.',
  'Pleasant to work with; the requirements changed once, no problem.',
];
export const REVIEW_REPLIES = [
  'Thank you so much! It was a pleasure working on this with you.',
  'Thanks for the kind words, happy to help again any time.',
  'Thanks for the feedback; I have taken it on board for next time.',
];
