import { describe, expect, it } from 'vitest';
import { exactRoundHalfEven, roundHalfEven } from './python-round';

/** A seeded generator (mulberry32), so a failure names a reproducible value. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('roundHalfEven without BigInt away from ties', () => {
  it('equals the exact BigInt rounding for random values, values next to halves and large values', () => {
    const random = seeded(26);
    const values: number[] = [];
    for (let index = 0; index < 4_000; index += 1) {
      values.push((random() - 0.3) * 200, random(), (random() - 0.5) * 1e13);
      // Decimal halves (exact or not in binary) and their neighbours one ulp away.
      const half = (Math.floor(random() * 100_000) + 0.5) / 10 ** (1 + Math.floor(random() * 3));
      values.push(half, half + half * Number.EPSILON, half - half * Number.EPSILON, -half);
    }
    values.push(5e-324, -5e-324, 2 ** 40 / 100, 2 ** 53, 0.0005, 0.9995, 1e-7);
    const differing = values.flatMap((value) =>
      [0, 1, 2, 3, 6, 7].flatMap((digits) => {
        const expected = exactRoundHalfEven(value, digits);
        return Object.is(roundHalfEven(value, digits), expected) ? [] : [{ value, digits, expected }];
      }),
    );
    expect(differing).toEqual([]);
  });
});
