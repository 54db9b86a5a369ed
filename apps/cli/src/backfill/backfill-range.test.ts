import { expect, it } from 'vitest';
import { CHUNK_DATES, rangeChunks } from './backfill-range';

const days = (count: number) =>
  Array.from({ length: count }, (_, day) => new Date(Date.UTC(2024, 9, 22 + day)).toISOString().slice(0, 10));

it('chunks a range with the part chunk first and every later chunk full, each date once in order', () => {
  const season = days(174);
  const chunks = rangeChunks(season);
  expect(chunks.map((chunk) => chunk.length)).toEqual([174 - 3 * CHUNK_DATES, CHUNK_DATES, CHUNK_DATES, CHUNK_DATES]);
  expect(chunks.flat()).toEqual(season);
  expect(rangeChunks(days(2 * CHUNK_DATES)).map((chunk) => chunk.length)).toEqual([CHUNK_DATES, CHUNK_DATES]);
  expect(rangeChunks(days(1))).toEqual([days(1)]);
  expect(rangeChunks([])).toEqual([]);
});
