/**
 * Python's round(x, digits): round half to even on the exact binary value of x, so
 * round(26.25, 1) = 26.2 (26.25 is exact, a tie) but round(0.7175, 2) = 0.72 (0.7175 is stored
 * as slightly more). Reproduced because the original's stored outputs were made with it.
 */
export function roundHalfEven(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const quick = roundClearOfTie(Math.abs(value), digits);
  if (quick !== undefined) return value < 0 ? -quick : quick;
  return exactRoundHalfEven(value, digits);
}

/** Below 2^40 a scaled double is within 2^-14 of the exact product (half its ulp, at most 2^-13). */
const QUICK_LIMIT = 2 ** 40;
/** Further from .5 than the product's error can reach: the double and the exact value round alike. */
const TIE_MARGIN = 1e-3;

/**
 * roundHalfEven of a positive value without BigInt when the scaled double is clearly not near a
 * half (almost every value): the same quotient the exact path computes, found in doubles. Near a
 * half, or for large values or many digits, undefined (the exact path decides).
 */
function roundClearOfTie(magnitude: number, digits: number): number | undefined {
  if (digits < 0 || digits > 6) return undefined;
  const scaled = magnitude * 10 ** digits;
  if (scaled >= QUICK_LIMIT) return undefined;
  const whole = Math.floor(scaled);
  const fraction = scaled - whole;
  if (Math.abs(fraction - 0.5) <= TIE_MARGIN) return undefined;
  return (fraction < 0.5 ? whole : whole + 1) / 10 ** digits;
}

/** Python's round on the exact binary value, in BigInt arithmetic. */
export function exactRoundHalfEven(value: number, digits: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(value));
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = exponentBits === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (exponentBits === 0 ? 1 : exponentBits) - 1075;
  const scale = 10n ** BigInt(digits);
  const numerator = mantissa * scale * (exponent > 0 ? 2n ** BigInt(exponent) : 1n);
  const denominator = exponent < 0 ? 2n ** BigInt(-exponent) : 1n;
  let quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n;
  const rounded = Number(quotient) / 10 ** digits;
  return value < 0 ? -rounded : rounded;
}

export const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** numpy's np.std: the population standard deviation. */
export function populationStd(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
}
