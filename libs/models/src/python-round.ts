/**
 * Python's round(x, digits): round half to even on the exact binary value of x, so
 * round(26.25, 1) = 26.2 (26.25 is exact, a tie) but round(0.7175, 2) = 0.72 (0.7175 is stored
 * as slightly more). Reproduced because the original's stored outputs were made with it.
 */
export function roundHalfEven(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.abs(value);
  const scale = 10 ** digits;
  const scaled = magnitude * scale;
  // Below 2^52 the fraction is exact, and both 10^digits (digits up to 22) and whole + 0.5 are doubles: the product
  // is correctly rounded, hence monotonic, so it lands on the same side of whole + 0.5 as the
  // exact product does, or on it. Only a product equal to a tie needs the exact binary value
  // (BigInt arithmetic, a few microseconds; several calls per prediction row).
  if (scaled < 2 ** 52 && Number.isInteger(digits) && digits >= 0 && digits <= 22) {
    const whole = Math.floor(scaled);
    const fraction = scaled - whole;
    if (fraction !== 0.5) {
      const rounded = (fraction < 0.5 ? whole : whole + 1) / scale;
      return value < 0 ? -rounded : rounded;
    }
  }
  return exactRoundHalfEven(value, digits);
}

/** The same rounding always through BigInt arithmetic on the binary value (the fast path's reference). */
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
