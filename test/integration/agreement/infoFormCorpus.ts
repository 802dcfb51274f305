/**
 * The agreement corpus of 红字信息表 rows (issue 8): every row is one form of one line, typed by a
 * clerk of the sandbox's 税控 seller (江苏税控制造有限公司) against its seeded 专票 blues. Each row
 * carries the verdict it was WRITTEN to get — by hand, from the manuals and the wire spec, never
 * from running the code:
 *
 * - `valid`: clean or messy-but-meaning-one-thing (full-width digits, ¥ and 元, (brackets) for
 *   negatives, Excel serial dates, label aliases, numbers typed as text) — accepted everywhere and
 *   approved by the sandbox's bureau;
 * - `local`: a mistake the clerk's own workbook shows (format, tolerance, decimals, vocabulary,
 *   limits, required fields, check digits) — refused before anything is sent, on `columns`;
 * - `bureau`: locally flawless, but only the bureau's record can tell (the blue does not exist, the
 *   buyer on the blue is another, the red exceeds what remains) — refused by the sandbox only.
 *
 * Deterministic: the same `n` gives the same rows.
 */
import { uscCheckChar } from "../../../src/domain/parse";

export type Expected =
  | { readonly kind: "valid" }
  | { readonly kind: "local"; readonly columns: readonly string[] }
  | { readonly kind: "bureau"; readonly reason: string };

export interface CorpusRow {
  /** What the row exercises, for failure messages. */
  readonly label: string;
  /** Cell values by template header (申请单号 … 税额). */
  readonly cells: Readonly<Record<string, unknown>>;
  readonly expected: Expected;
}

export const SELLER = { name: "江苏税控制造有限公司", taxId: "91320500MA1HC00035" } as const;
export const BUYER = { name: "广东蓝海采购有限公司", taxId: "91440300MA5HC0002F" } as const;

/** The seeded 税控 专票 blues of the seller (src/server/sandbox/seed.ts). */
export const BLUES = {
  e028: {
    code: "032002300111",
    no: "10000001",
    date: "2025-06-05",
    serial: 45813, // 2025-06-05 as an Excel 1900 serial
    type: "增值税电子专用发票",
    goods: "钢材",
    taxCode: "1080299000000000000",
    remaining: "50000.00",
  },
  p004: {
    code: "3200231130",
    no: "20000001",
    date: "2025-06-06",
    serial: 45814,
    type: "增值税纸质专用发票",
    goods: "机械零件",
    taxCode: "1090199000000000000",
    remaining: "8888.88",
  },
} as const;

const usc = (body17: string): string => body17 + uscCheckChar(body17);
/** The buyer's ID with a wrong check character (the right one is F). */
const BUYER_BAD_CHECK = "91440300MA5HC0002G";

/** A red line of `yuan` (positive integer) at 13%: exact tax at half-up cents. */
function line(yuan: number, cents = 0, taxOffsetCents = 0): { amount: string; tax: string } {
  const amountCents = yuan * 100 + cents;
  // round half up of amount × 0.13, in integer cents (no float: amountCents × 13 is exact)
  const taxCents = Math.floor((amountCents * 13 + 50) / 100) + taxOffsetCents;
  const fmt = (c: number) => `-${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
  return { amount: fmt(amountCents), tax: fmt(taxCents) };
}

const FULL_WIDTH_DIGITS = "０１２３４５６７８９";
const fullWidth = (s: string): string =>
  s
    .replace(/[0-9]/g, (d) => FULL_WIDTH_DIGITS[Number(d)])
    .replace(/\./g, "．")
    .replace(/-/g, "－");

/** A valid 销方申请 row on a blue, line of `yuan` yuan. */
function base(n: number, blue: (typeof BLUES)[keyof typeof BLUES], yuan: number, cents = 0) {
  const l = line(yuan, cents);
  return {
    申请单号: `AG-${String(n).padStart(4, "0")}`,
    申请方: "销方申请",
    发票类型: blue.type,
    原发票代码: blue.code,
    原发票号码: blue.no,
    蓝票开票日期: blue.date,
    购方名称: BUYER.name,
    购方税号: BUYER.taxId,
    销方名称: SELLER.name,
    销方税号: SELLER.taxId,
    货物名称: blue.goods,
    税收分类编码: blue.taxCode,
    数量: "",
    单价: "",
    金额: l.amount,
    税率: "13%",
    税额: l.tax,
  } as Record<string, unknown>;
}

type Variant = (n: number) => Omit<CorpusRow, "label"> & { label: string };

/** Messy spellings of a valid row: each one still means exactly one thing. */
const VALID_VARIANTS: readonly Variant[] = [
  (n) => ({ label: "clean 028", cells: base(n, BLUES.e028, 10 + (n % 50)), expected: { kind: "valid" } }),
  (n) => ({ label: "clean 004", cells: base(n, BLUES.p004, 5 + (n % 20)), expected: { kind: "valid" } }),
  (n) => {
    const c = base(n, BLUES.e028, 20 + (n % 30), 45);
    return {
      label: "full-width digits in 金额 and 税额",
      cells: { ...c, 金额: fullWidth(String(c.金额)), 税额: fullWidth(String(c.税额)) },
      expected: { kind: "valid" },
    };
  },
  (n) => {
    const c = base(n, BLUES.e028, 1000 + (n % 9), 50);
    return {
      label: "¥ and thousands separators",
      cells: {
        ...c,
        金额: `¥${String(c.金额).replace(/^-(\d)(\d{3})/, "-$1,$2")}`,
        税额: `${String(c.税额)}元`,
      },
      expected: { kind: "valid" },
    };
  },
  (n) => {
    const c = base(n, BLUES.p004, 30 + (n % 10));
    return {
      label: "(brackets) for negatives",
      cells: { ...c, 金额: `(${String(c.金额).slice(1)})`, 税额: `(${String(c.税额).slice(1)})` },
      expected: { kind: "valid" },
    };
  },
  (n) => ({
    label: "Excel serial date",
    cells: { ...base(n, BLUES.e028, 40 + (n % 10)), 蓝票开票日期: BLUES.e028.serial },
    expected: { kind: "valid" },
  }),
  (n) => ({
    label: "date with slashes and time",
    cells: { ...base(n, BLUES.p004, 11 + (n % 7)), 蓝票开票日期: "2025/6/6 10:00:00" },
    expected: { kind: "valid" },
  }),
  (n) => ({
    label: "Chinese date",
    cells: { ...base(n, BLUES.e028, 12 + (n % 7)), 蓝票开票日期: "2025年6月5日" },
    expected: { kind: "valid" },
  }),
  (n) => ({
    label: "alias 销售方申请 and 电子专票",
    cells: { ...base(n, BLUES.e028, 13 + (n % 7)), 申请方: "销售方申请", 发票类型: "电子专票" },
    expected: { kind: "valid" },
  }),
  (n) => ({
    label: "alias 增值税专用发票 for a paper special blue",
    cells: { ...base(n, BLUES.p004, 14 + (n % 7)), 发票类型: "增值税专用发票" },
    expected: { kind: "valid" },
  }),
  (n) => {
    const l = line(25 + (n % 10));
    return {
      label: "numbers as numbers, rate 0.13",
      cells: { ...base(n, BLUES.e028, 1), 金额: Number(l.amount), 税额: Number(l.tax), 税率: 0.13 },
      expected: { kind: "valid" },
    };
  },
  (n) => ({
    label: "rate full-width １３％",
    cells: { ...base(n, BLUES.p004, 16 + (n % 7)), 税率: "１３％" },
    expected: { kind: "valid" },
  }),
  (n) => {
    const yuan = 100 + (n % 10);
    // tax 1 cent above the rounded product: inside the ±0.06 tolerance of the bureau (§1.8)
    const tax = line(yuan, 0, 1).tax;
    return {
      label: "tax within tolerance",
      cells: { ...base(n, BLUES.e028, yuan), 税额: tax },
      expected: { kind: "valid" },
    };
  },
  (n) => ({
    label: "positive amounts (either sign accepted)",
    cells: (() => {
      const c = base(n, BLUES.e028, 17 + (n % 7));
      return { ...c, 金额: String(c.金额).slice(1), 税额: String(c.税额).slice(1) };
    })(),
    expected: { kind: "valid" },
  }),
  (n) => ({
    label: "spaces around texts and a lower-case tax ID",
    cells: {
      ...base(n, BLUES.e028, 18 + (n % 7)),
      购方名称: `  ${BUYER.name} `,
      购方税号: BUYER.taxId.toLowerCase(),
    },
    expected: { kind: "valid" },
  }),
  (n) => ({
    label: "quantity and unit price",
    cells: { ...base(n, BLUES.e028, 100), 数量: "-0.02", 单价: "5000", 单位: "吨", 规格型号: "Q235" },
    expected: { kind: "valid" },
  }),
];

/** One of each kind of mistake a clerk's workbook can show. */
const LOCAL_VARIANTS: readonly Variant[] = [
  (n) => ({
    label: "blank 购方名称",
    cells: { ...base(n, BLUES.e028, 10), 购方名称: "" },
    expected: { kind: "local", columns: ["购方名称"] },
  }),
  (n) => ({
    label: "购方税号 check character wrong",
    cells: { ...base(n, BLUES.e028, 10), 购方税号: BUYER_BAD_CHECK },
    expected: { kind: "local", columns: ["购方税号"] },
  }),
  (n) => ({
    label: "购方税号 malformed",
    cells: { ...base(n, BLUES.e028, 10), 购方税号: "12345" },
    expected: { kind: "local", columns: ["购方税号"] },
  }),
  (n) => ({
    label: "text in 金额",
    cells: { ...base(n, BLUES.e028, 10), 金额: "一百元" },
    expected: { kind: "local", columns: ["金额"] },
  }),
  (n) => ({
    label: "three decimals in 金额",
    cells: { ...base(n, BLUES.e028, 10), 金额: "-1000.005", 税额: "-130.00" },
    expected: { kind: "local", columns: ["金额"] },
  }),
  (n) => ({
    label: "tax off by more than 0.06",
    cells: { ...base(n, BLUES.e028, 1000), 税额: "-200.00" },
    expected: { kind: "local", columns: ["税额"] },
  }),
  (n) => ({
    label: "税收分类编码 of 18 digits",
    cells: { ...base(n, BLUES.e028, 10), 税收分类编码: "108029900000000000" },
    expected: { kind: "local", columns: ["税收分类编码"] },
  }),
  (n) => ({
    label: "税收分类编码 blank",
    cells: { ...base(n, BLUES.e028, 10), 税收分类编码: "" },
    expected: { kind: "local", columns: ["税收分类编码"] },
  }),
  (n) => ({
    label: "税收分类编码 with letters",
    cells: { ...base(n, BLUES.e028, 10), 税收分类编码: "10802990000000000AB" },
    expected: { kind: "local", columns: ["税收分类编码"] },
  }),
  (n) => ({
    label: "bare rate 13",
    cells: { ...base(n, BLUES.e028, 10), 税率: "13" },
    expected: { kind: "local", columns: ["税率"] },
  }),
  (n) => ({
    label: "impossible date",
    cells: { ...base(n, BLUES.e028, 10), 蓝票开票日期: "2025-13-01" },
    expected: { kind: "local", columns: ["蓝票开票日期"] },
  }),
  (n) => ({
    label: "unknown 申请方",
    cells: { ...base(n, BLUES.e028, 10), 申请方: "财务部申请" },
    expected: { kind: "local", columns: ["申请方"] },
  }),
  (n) => ({
    label: "发票类型 not a 专票",
    cells: { ...base(n, BLUES.e028, 10), 发票类型: "增值税普通发票" },
    expected: { kind: "local", columns: ["发票类型"] },
  }),
  (n) => ({
    label: "销方申请 without 原发票号码",
    cells: { ...base(n, BLUES.e028, 10), 原发票号码: "" },
    expected: { kind: "local", columns: ["原发票号码"] },
  }),
  (n) => ({
    label: "原发票号码 of 7 digits",
    cells: { ...base(n, BLUES.e028, 10), 原发票号码: "1000000" },
    expected: { kind: "local", columns: ["原发票号码"] },
  }),
  (n) => ({
    label: "原发票代码 of 11 digits",
    cells: { ...base(n, BLUES.e028, 10), 原发票代码: "03200230011" },
    expected: { kind: "local", columns: ["原发票代码"] },
  }),
  (n) => ({
    label: "货物名称 over 100 characters",
    cells: { ...base(n, BLUES.e028, 10), 货物名称: "钢".repeat(101) },
    expected: { kind: "local", columns: ["货物名称"] },
  }),
  (n) => ({
    label: "规格型号 over 40 characters",
    cells: { ...base(n, BLUES.e028, 10), 规格型号: "Q".repeat(41) },
    expected: { kind: "local", columns: ["规格型号"] },
  }),
  (n) => ({
    label: "单位 over 22 characters",
    cells: { ...base(n, BLUES.e028, 10), 单位: "吨".repeat(23) },
    expected: { kind: "local", columns: ["单位"] },
  }),
  (n) => ({
    label: "zero 金额",
    cells: { ...base(n, BLUES.e028, 10), 金额: "0", 税额: "0" },
    expected: { kind: "local", columns: ["金额"] },
  }),
  (n) => ({
    label: "blank 税额",
    cells: { ...base(n, BLUES.e028, 10), 税额: "" },
    expected: { kind: "local", columns: ["税额"] },
  }),
  (n) => ({
    label: "blank 税率",
    cells: { ...base(n, BLUES.e028, 10), 税率: "" },
    expected: { kind: "local", columns: ["税率"] },
  }),
  (n) => ({
    label: "blank 货物名称",
    cells: { ...base(n, BLUES.e028, 10), 货物名称: "" },
    expected: { kind: "local", columns: ["货物名称"] },
  }),
  (n) => ({
    label: "销方税号 of another enterprise's format error",
    cells: { ...base(n, BLUES.e028, 10), 销方税号: "9132050OMA1HC00035" },
    expected: { kind: "local", columns: ["销方税号"] },
  }),
];

/** Locally flawless rows only the bureau's record can refuse. */
const BUREAU_VARIANTS: readonly Variant[] = [
  (n) => ({
    label: "blue invoice does not exist",
    cells: { ...base(n, BLUES.e028, 10), 原发票号码: "19999999" },
    expected: { kind: "bureau", reason: "蓝票不存在" },
  }),
  (n) => ({
    label: "red over the blue's remaining amount",
    cells: { ...base(n, BLUES.p004, 9000) },
    expected: { kind: "bureau", reason: "红冲金额超过蓝票剩余可红冲金额" },
  }),
  (n) => ({
    label: "buyer on the blue is another enterprise",
    cells: { ...base(n, BLUES.e028, 10), 购方税号: usc("91110000MA0AGREE0"), 购方名称: "北京别家有限公司" },
    expected: { kind: "bureau", reason: "购方税号与蓝票不符" },
  }),
  (n) => ({
    label: "blue date differs from the bureau's",
    cells: { ...base(n, BLUES.e028, 10), 蓝票开票日期: "2025-06-04" },
    expected: { kind: "bureau", reason: "蓝票开票日期与蓝票不符" },
  }),
];

/**
 * `count` rows: every variant at least once, then valid rows cycling through the messy spellings
 * with every `everyInvalid`-th row an invalid one (local and bureau variants in turn).
 */
export function infoFormCorpus(count: number, everyInvalid = 3): CorpusRow[] {
  const rows: CorpusRow[] = [];
  const push = (v: Variant) => rows.push(v(rows.length + 1));
  for (const v of [...VALID_VARIANTS, ...LOCAL_VARIANTS, ...BUREAU_VARIANTS]) push(v);
  const invalid = [...LOCAL_VARIANTS, ...BUREAU_VARIANTS];
  let i = 0;
  let j = 0;
  while (rows.length < count) {
    if (rows.length % everyInvalid === 0) push(invalid[j++ % invalid.length]);
    else push(VALID_VARIANTS[i++ % VALID_VARIANTS.length]);
  }
  return rows;
}

export const VARIANT_COUNTS = {
  valid: VALID_VARIANTS.length,
  local: LOCAL_VARIANTS.length,
  bureau: BUREAU_VARIANTS.length,
};
