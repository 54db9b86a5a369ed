import type { SeededRandom } from './seeded-random';

export interface BookLine {
  bookmaker: string;
  opening: number;
  closing: number;
}

/** Books in the coordinator's order of preference, and how often each posts a player's line. */
export const BOOKMAKERS: readonly { key: string; posts: number }[] = [
  { key: 'draftkings', posts: 0.88 },
  { key: 'fanduel', posts: 0.92 },
  { key: 'betmgm', posts: 0.6 },
];

const halfPoint = (value: number) => Math.max(0.5, Math.floor(value) + 0.5);

/**
 * A player's lines for a game from prior form: the books' fair value leans on the last five
 * games, lands on x.5 (now and then on a whole number), and each book may sit a point off the
 * market. The opening line differs from the closing one by the day's movement.
 */
export function postLines(form: { last5: number; last10: number; season: number }, random: SeededRandom): BookLine[] {
  const fair = 0.45 * form.last5 + 0.35 * form.last10 + 0.2 * form.season + random.normal(0, 0.9);
  const market = random.chance(0.08) ? Math.max(1, Math.round(fair)) : halfPoint(fair);
  const movement = Math.round(random.normal(0, 0.7));
  const lines: BookLine[] = [];
  for (const book of BOOKMAKERS) {
    if (!random.chance(book.posts)) continue;
    const offset = random.chance(0.12) ? (random.chance(0.5) ? 1 : -1) : 0;
    const closing = Math.max(0.5, market + offset);
    lines.push({ bookmaker: book.key, closing, opening: Math.max(0.5, closing - movement) });
  }
  if (lines.length === 0)
    lines.push({ bookmaker: 'fanduel', closing: market, opening: Math.max(0.5, market - movement) });
  return lines;
}
