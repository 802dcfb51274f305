/**
 * 纳税人识别号 / 统一社会信用代码 (销方税号, 购方税号).
 *
 * Accepted: 18-character 统一社会信用代码 passing the GB 32100-2015 check character; an 18-character
 * 居民身份证号码 passing the GB 11643-1999 check (individual businesses' old tax ID); and the older
 * 15, 17 and 20-character tax IDs, by length and charset only (they have no public check rule).
 */
import { fail, ok, type Result } from "../refusals";
import { decided, readFilled, type RequiredOption } from "./common";

/** GB 32100 code characters: digits and capitals without I, O, S, V, Z; value = index. */
const USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const USCC_BODY = /^[0-9A-HJ-NP-RTUWXY]{17}$/;

/** GB 11643 weights (2^(17−i) mod 11) and the check character for Σ mod 11 = 0…10. */
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_ID_CHECK = "10X98765432";

/** Lengths of the pre-2015 tax IDs (15 = 区划码+组织机构代码, 17/20 = individual forms). */
const LEGACY_TAX_ID_LENGTHS: ReadonlySet<number> = new Set([15, 17, 20]);
const LEGACY_TAX_ID = /^[0-9A-Z]+$/;

/**
 * The GB 32100 check character (18th) of a 统一社会信用代码 from its first 17 characters:
 * 31 − (Σ value×weight mod 31), where 31 maps to "0". Throws on a body outside the charset
 * (a programming error: user input goes through parseTaxId).
 */
export function uscCheckChar(first17: string): string {
  if (!USCC_BODY.test(first17)) throw new TypeError(`not a USCC body: ${JSON.stringify(first17)}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  const c = 31 - (sum % 31);
  return USCC_CHARSET[c === 31 ? 0 : c];
}

/** True for an 18-character 统一社会信用代码 whose check character is right. */
export function isValidUscc(s: string): boolean {
  return s.length === 18 && USCC_BODY.test(s.slice(0, 17)) && uscCheckChar(s.slice(0, 17)) === s[17];
}

/** The GB 11643 check character of a 居民身份证号码 from its first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i];
  return RESIDENT_ID_CHECK[sum % 11];
}

/** True for an 18-character 居民身份证号码 whose GB 11643 check character (digit or X) is right. */
export function isValidResidentId(s: string): boolean {
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  return residentIdCheckChar(s.slice(0, 17)) === s[17];
}

/**
 * Looks like a 身份证号 (17 digits with a birth date 19xx/20xx-MM-DD at positions 7–14): a private
 * person or an individual business may use one as 税号, so a wrong check character is reported by
 * both rules, not only GB 32100's.
 */
function looksLikeResidentId(first17: string): boolean {
  const m = /^\d{6}((?:19|20)\d{2})(\d{2})(\d{2})\d{3}$/.exec(first17);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Tax IDs are written with spaces for readability and in lower case by hand: both are noise. */
function canonicalTaxId(text: string): string {
  return text.replace(/\s+/g, "").toUpperCase();
}

/** 税号: canonical upper-case form, or BAD_TAX_ID_FORMAT / BAD_TAX_ID_CHECK (naming the right check character). */
export function parseTaxId(input: unknown, field: string, opts: RequiredOption = {}): Result<string | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  let id: string;
  if (cell.kind === "text") {
    id = canonicalTaxId(cell.text);
  } else if (cell.kind === "number") {
    // Only an all-digit 15-character ID survives a number cell; 18/20 digits exceed a double.
    if (!Number.isSafeInteger(cell.value) || cell.value < 0) {
      return cell.value >= 1e15 && Number.isFinite(cell.value)
        ? fail("DIGITS_LOST_IN_NUMBER_CELL", { field, value: cell.shown })
        : fail("BAD_TAX_ID_FORMAT", { field, value: cell.shown });
    }
    id = String(cell.value);
  } else {
    return fail("BAD_TAX_ID_FORMAT", { field, value: cell.shown });
  }
  if (id.length === 18) {
    if (isValidUscc(id) || isValidResidentId(id)) return ok(id);
    const body = id.slice(0, 17);
    if (looksLikeResidentId(body) && /^[\dX]$/.test(id[17])) {
      return fail("BAD_TAX_ID_CHECK_EITHER", {
        field,
        value: id,
        uscc: uscCheckChar(body),
        resident: residentIdCheckChar(body),
      });
    }
    if (USCC_BODY.test(body))
      return fail("BAD_TAX_ID_CHECK", { field, value: id, expected: uscCheckChar(body) });
    return fail("BAD_TAX_ID_FORMAT", { field, value: cell.shown });
  }
  if (LEGACY_TAX_ID_LENGTHS.has(id.length) && LEGACY_TAX_ID.test(id)) return ok(id);
  return fail("BAD_TAX_ID_FORMAT", { field, value: cell.shown });
}
