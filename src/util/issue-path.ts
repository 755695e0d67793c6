/** Renders a zod issue path as `rules[2].zones[0]` (after an optional base such as `rules`). */
export function issuePath(path: readonly PropertyKey[], base = ''): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc === '' ? String(key) : `${acc}.${String(key)}`), base);
}
