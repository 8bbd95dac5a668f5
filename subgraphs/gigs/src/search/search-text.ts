/**
 * The words of a search as the index may use them: letters and digits only, lower case, so no
 * query syntax (& | ! ( ) : * ' " \ or NUL) survives. At most 10 words of up to 40 characters.
 */
export function searchWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.slice(0, 10).map((word) => word.slice(0, 40));
}

/** The words a document contributes to the typo vocabulary: title and tags, 3+ characters. */
export function vocabularyWords(title: string, tags: readonly string[]): string[] {
  const words = `${title} ${tags.join(' ')}`.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((word) => word.length >= 3 && word.length <= 40))];
}
