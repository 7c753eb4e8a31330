// Finding a warehouse by what a seller types: Russian or Latin letters, any case, with or without "ё", hyphens or
// spaces ("Koledino", "коледино", "Elektrostal", "SPb Shushary" all find theirs). Both the name and the query are
// reduced to one rough Latin skeleton, so every common transliteration of a letter lands on the same form.

const CYRILLIC: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'c',
  ч: 'ch',
  ш: 'sh',
  щ: 'sh',
  ъ: '',
  ы: 'i',
  ь: '',
  э: 'e',
  ю: 'iu',
  я: 'ia',
};

/** Latin spellings that name one sound, folded to one form (order matters: longer first). */
const LATIN_FOLDS: Array<[RegExp, string]> = [
  [/shch|sch/g, 'sh'],
  [/kh/g, 'h'],
  [/ts|tz/g, 'c'],
  [/yu|ju/g, 'iu'],
  [/ya|ja/g, 'ia'],
  [/yo|jo/g, 'e'],
  [/ye|je/g, 'e'],
  [/[yj]/g, 'i'],
  [/x/g, 'ks'],
  [/w/g, 'v'],
  [/q/g, 'k'],
  [/ii/g, 'i'],
];

/** The skeleton of a name or a query: Latin letters and digits only. */
export function searchSkeleton(text: string): string {
  let latin = '';
  for (const char of text.toLocaleLowerCase('ru')) latin += CYRILLIC[char] ?? char;
  latin = latin.replace(/[^a-z0-9]/g, '');
  for (const [pattern, replacement] of LATIN_FOLDS) latin = latin.replace(pattern, replacement);
  return latin;
}

/** The items whose name contains the query (by skeleton), names that start with it first. */
export function searchByName<T extends { name: string }>(items: readonly T[], query: string): T[] {
  const needle = searchSkeleton(query);
  if (!needle) return [];
  const scored = items
    .map((item) => ({ item, at: searchSkeleton(item.name).indexOf(needle) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => Number(a.at !== 0) - Number(b.at !== 0));
  return scored.map((x) => x.item);
}
