/**
 * Exact decimal arithmetic for every money, quantity and unit-price path (domain-rules §1).
 *
 * One Decimal constructor for the whole product, configured once: 50 significant digits
 * (a 10-integer-digit quantity with 13 decimals needs 23; intermediate quotients need more),
 * ROUND_HALF_UP, which decimal.js applies to the magnitude (−0.065 → −0.07).
 * Never JS numbers: a double cannot hold 0.145 or 0.001 exactly.
 */
import DecimalJs from "decimal.js";

export const Dec = DecimalJs.clone({
  precision: 50,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -60,
  toExpPos: 60,
});
export type Dec = InstanceType<typeof Dec>;

/** Decimal places of amounts (金额, 税额, 含税金额). */
export const AMOUNT_DP = 2;
/**
 * Decimal places of computed quantities and unit prices.
 * [INFERRED, domain-rules §1.4] 13 is the 数电 platform's limit for 数量/单价 decimals.
 */
export const QTY_PRICE_DP = 13;

declare const amountBrand: unique symbol;
/** An amount rounded to 2 dp (half-up on the magnitude). Created only by round2HalfUp / parsers. */
export type Amount = Dec & { readonly [amountBrand]: true };

export const ZERO = new Dec(0);

/** Anything we accept as an exact decimal: a Decimal or a decimal string. Never a JS number. */
export type DecimalLike = Dec | string;

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** True if `s` is a plain decimal numeral (what `toDec` accepts as a string). */
export function isDecimalText(s: string): boolean {
  return DECIMAL_TEXT.test(s.trim());
}

/**
 * Make a Decimal from a Decimal or an exact decimal string. Throws on anything else:
 * parsing user text (¥, commas, full-width digits…) is the job of `parse/`, not this.
 */
export function toDec(v: DecimalLike): Dec {
  if (v instanceof Dec) return v;
  if (typeof v === "string" && isDecimalText(v)) return new Dec(v.trim());
  throw new TypeError(`not an exact decimal: ${JSON.stringify(v)}`);
}

export function round2HalfUp(v: DecimalLike): Amount {
  const r = toDec(v).toDecimalPlaces(AMOUNT_DP, Dec.ROUND_HALF_UP);
  return (r.isZero() ? ZERO : r) as Amount;
}

export function round13HalfUp(v: DecimalLike): Dec {
  const r = toDec(v).toDecimalPlaces(QTY_PRICE_DP, Dec.ROUND_HALF_UP);
  return r.isZero() ? ZERO : r;
}

/** An amount as the manuals print it: 2 decimals, zero as "0.00" (never "-0.00"). */
export function formatAmount(v: DecimalLike): string {
  const r = round2HalfUp(v);
  return (r.isZero() ? ZERO : r).toFixed(AMOUNT_DP);
}

/** A quantity or unit price: as many decimals as it has (≤ 13 once computed), no trailing zeros. */
export function formatQty(v: DecimalLike): string {
  const d = toDec(v);
  if (d.isZero()) return "0";
  // toFixed() without argument keeps all significant decimals and never uses exponent notation.
  const s = d.toFixed();
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** Red values are negative (domain-rules §1.6): the magnitude with a minus sign, zero stays zero. */
export function toRed(v: DecimalLike): Dec {
  const d = toDec(v).abs();
  return d.isZero() ? ZERO : d.negated();
}

/** Users may type either sign on red values; rules compare magnitudes. */
export function magnitude(v: DecimalLike): Dec {
  return toDec(v).abs();
}

export function sum(values: readonly DecimalLike[]): Dec {
  return values.reduce<Dec>((acc, v) => acc.plus(toDec(v)), ZERO);
}

export function sumMagnitudes(values: readonly DecimalLike[]): Dec {
  return values.reduce<Dec>((acc, v) => acc.plus(toDec(v).abs()), ZERO);
}
