/** The fixed category tree: top-level slugs, each with its sub-categories (slugs unique overall). */
export interface SubCategoryEntry {
  slug: string;
  name: string;
}
export interface CategoryEntry extends SubCategoryEntry {
  subCategories: readonly SubCategoryEntry[];
}

const entry = (slug: string, name: string, subs: [string, string][]): CategoryEntry => ({
  slug,
  name,
  subCategories: subs.map(([subSlug, subName]) => ({ slug: subSlug, name: subName })),
});

export const categories: readonly CategoryEntry[] = [
  entry('graphics-design', 'Graphics & Design', [
    ['logo-design', 'Logo Design'],
    ['illustration', 'Illustration'],
    ['web-design', 'Website Design'],
  ]),
  entry('programming-tech', 'Programming & Tech', [
    ['web-development', 'Website Development'],
    ['mobile-apps', 'Mobile Apps'],
    ['data-science', 'Data Science'],
  ]),
  entry('writing-translation', 'Writing & Translation', [
    ['articles', 'Articles & Blog Posts'],
    ['translation', 'Translation'],
    ['proofreading', 'Proofreading & Editing'],
  ]),
  entry('video-animation', 'Video & Animation', [
    ['video-editing', 'Video Editing'],
    ['animation', 'Animation'],
  ]),
  entry('music-audio', 'Music & Audio', [
    ['voice-over', 'Voice Over'],
    ['mixing', 'Mixing & Mastering'],
  ]),
  entry('digital-marketing', 'Digital Marketing', [
    ['seo', 'Search Engine Optimization'],
    ['social-media', 'Social Media Marketing'],
  ]),
];

export function isSubCategoryOf(category: string, subCategory: string): boolean {
  return (
    categories
      .find((candidate) => candidate.slug === category)
      ?.subCategories.some((sub) => sub.slug === subCategory) ?? false
  );
}

/** True for a top-level or sub-category slug (the search filters take either). */
export function isKnownCategorySlug(slug: string): boolean {
  return categories.some(
    (category) => category.slug === slug || category.subCategories.some((sub) => sub.slug === slug),
  );
}
