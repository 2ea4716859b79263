/**
 * Prices travel as numbers with at most 2 decimals; arithmetic happens in integer cents and
 * storage in exact decimal text, so a total never picks up binary floating-point noise.
 */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** 8990 -> "89.90" */
export function centsToDecimal(cents: number): string {
  return (cents / 100).toFixed(2);
}
