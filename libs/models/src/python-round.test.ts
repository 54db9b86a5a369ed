import { describe, expect, it } from 'vitest';
import { exactRoundHalfEven, roundHalfEven } from './python-round';

/** A small deterministic generator, so a failure names a value that can be run again. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** The value a few units in the last place away from `value` (negative steps go down). */
function stepUlps(value: number, steps: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  view.setBigUint64(0, view.getBigUint64(0) + BigInt(steps));
  return view.getFloat64(0);
}

describe('roundHalfEven fast path', () => {
  it('equals the exact rounding on ties, values a few ulps around ties, and random values', () => {
    const random = generator(26);
    const values: number[] = [];
    for (let index = 0; index < 20_000; index += 1) {
      const digits = index % 3;
      const tie = (Math.floor(random() * 100_000) + 0.5) / 10 ** digits;
      for (const steps of [-3, -1, 0, 1, 3]) values.push(stepUlps(tie, steps));
      values.push(random() * 100, (random() - 0.5) * 1e6, random() * 1e-6, (random() - 0.5) * 1e13, -tie);
    }
    values.push(5e-324, -5e-324, 2 ** 40 / 100, 2 ** 52 - 0.5, 2 ** 53, 0.0005, 0.9995, 1e-7);
    const differing = [0, 1, 2, 3, 6, 7].flatMap((digits) =>
      values
        .filter((value) => roundHalfEven(value, digits) !== exactRoundHalfEven(value, digits))
        .map((value) => `${value} to ${digits}`),
    );
    expect(differing.slice(0, 5)).toEqual([]);
  });

  it('keeps zero, its sign, the infinities and NaN as they are', () => {
    expect(Object.is(roundHalfEven(-0.0001, 2), -0)).toBe(true);
    expect(roundHalfEven(Infinity, 1)).toBe(Infinity);
    expect(roundHalfEven(Number.NaN, 1)).toBeNaN();
    expect(roundHalfEven(2 ** 60 + 0.5, 1)).toBe(exactRoundHalfEven(2 ** 60, 1));
  });
});
