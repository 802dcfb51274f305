/**
 * Quantity check when entering a matched form (负数匹蓝推送, 数据来源 匹配结果推送; domain-rules §4.11,
 * boundaries per §9 A2). Exact decimals: 0.010 − 0.009 is 0.001, which is inside the tolerance.
 */
import { ENTRY_QTY_TOLERANCE } from "../inferred";
import type { DataSource } from "../labels";
import { Dec, DecimalLike, formatQty, magnitude, toDec } from "../money";
import { Refusal, refusal } from "../refusals";

/** Only forms from this source are checked; the others enter with their own quantity. */
export const QTY_CHECKED_SOURCE: DataSource = "匹配结果推送";

export type EntryQuantityBranch = "USE_FORM_QTY" | "USE_REMAINING_QTY";

export interface EntryQuantityInput {
  readonly dataSource: DataSource;
  /** 红字确认单待冲数量 (either sign) */
  readonly formQuantity: DecimalLike;
  /** 原蓝票剩余可红冲数量 (either sign) */
  readonly remainingQuantity: DecimalLike;
  /** Matched quantities of the match rows behind this form line (匹蓝结果), if several. */
  readonly matchRowQuantities?: readonly DecimalLike[] | null;
}

export interface EntryQuantityDecision {
  readonly allowed: boolean;
  /** d = |待冲数量| − |剩余可红冲数量|, exact and signed. */
  readonly diff: Dec;
  readonly branch?: EntryQuantityBranch;
  /** The quantity to enter: the form's own, or the remaining quantity magnitude with the form's sign. */
  readonly finalQty?: Dec;
  /** Match rows after the adjustment (input order, signs kept), when match rows were given. */
  readonly updatedMatchRows?: readonly Dec[];
  /** 0-based index of the adjusted row: the largest |quantity|, the first one on ties [INFERRED §4.11]. */
  readonly updatedRowIndex?: number;
  readonly refusal?: Refusal;
}

/** Index of the row with the largest magnitude; the first one on ties [INFERRED §4.11]. */
export function largestRowIndex(rows: readonly Dec[]): number {
  let best = 0;
  for (let i = 1; i < rows.length; i++) if (rows[i].abs().gt(rows[best].abs())) best = i;
  return best;
}

function withSignOf(sign: Dec, value: Dec): Dec {
  return sign.isNegative() && !value.isZero() ? value.abs().negated() : value.abs();
}

export function entryQuantityCheck(input: EntryQuantityInput): EntryQuantityDecision {
  const form = toDec(input.formQuantity);
  const remaining = toDec(input.remainingQuantity);
  const diff = magnitude(form).minus(magnitude(remaining));

  if (input.dataSource !== QTY_CHECKED_SOURCE) {
    return { allowed: true, diff, branch: "USE_FORM_QTY", finalQty: form };
  }
  if (diff.lte(ENTRY_QTY_TOLERANCE.negated())) {
    return { allowed: true, diff, branch: "USE_FORM_QTY", finalQty: form };
  }
  if (diff.gt(ENTRY_QTY_TOLERANCE)) {
    return { allowed: false, diff, refusal: refusal("QTY_TOLERANCE_EXCEEDED", { diff: formatQty(diff) }) };
  }
  // −0.001 < d ≤ +0.001: enter the remaining quantity and move the difference off the largest match row.
  const finalQty = withSignOf(form, magnitude(remaining));
  const rows = (input.matchRowQuantities ?? []).map(toDec);
  if (rows.length === 0) return { allowed: true, diff, branch: "USE_REMAINING_QTY", finalQty };
  const idx = largestRowIndex(rows);
  const updatedMatchRows = rows.map((r, i) => (i === idx ? withSignOf(r, r.abs().minus(diff)) : r));
  return {
    allowed: true,
    diff,
    branch: "USE_REMAINING_QTY",
    finalQty,
    updatedMatchRows,
    updatedRowIndex: idx,
  };
}
