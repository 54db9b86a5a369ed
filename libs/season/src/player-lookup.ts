/** The original's player_lookup: lowercase, diacritics stripped, everything outside [a-z0-9] removed. */
export function playerLookup(fullName: string): string {
  return fullName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}
