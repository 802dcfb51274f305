/**
 * src/gateway/codes.ts: every code table round-trips label → code → label, every alias reaches its
 * code, every mapping has its inverse — and no second copy of a table lives anywhere else in src,
 * taskpane or functions (the guard at the end names file and line).
 */
import { readdirSync, readFileSync } from "fs";
import { join, relative, resolve } from "path";
import {
  CHANNELS,
  CONFIRM_STATUS_CODES,
  CONFIRM_STATUS_TABLE,
  CONFIRM_TYPE_CODES,
  DIGITAL_INVOICE_TYPE_CODES,
  INFO_FORM_APPLY_TYPE_CODES,
  INFO_FORM_APPLY_TYPE_VALUES,
  INFO_FORM_DOWNLOAD_SCOPE_VALUES,
  INVOICE_TYPE_LABELS,
  PARTY_IDENTITY_CODE_VALUES,
  RED_REASON_CODE_MAPPINGS,
  TAX_CONTROL_INVOICE_TYPE_CODES,
  TAX_CONTROL_SPECIAL_TYPE_CODES,
  type ConfirmTypeAction,
  type InvoiceTypeCode,
  applicantOfApplyType,
  applyTypeCode,
  channelOf,
  codeToReason,
  confirmStatusCode,
  confirmStatusLabel,
  confirmTypeAction,
  confirmTypeCode,
  digitalInvoiceTypeCode,
  downloadScopeBoxes,
  downloadScopeCode,
  identityCode,
  infoFormInvoiceTypeCode,
  infoFormInvoiceTypeLabel,
  invoiceKindOf,
  invoiceTypeCode,
  invoiceTypeLabel,
  reasonToCode,
  redReasonCodes,
  roleOfIdentity,
  sameInvoiceType,
  taxControlInvoiceTypeCode,
} from "../../../src/gateway/codes";
import * as Gateway from "../../../src/gateway";
import {
  Channel,
  InfoFormApplicant,
  InfoFormInvoiceType,
  InvoiceKind,
  RedReason,
  Role,
} from "../../../src/domain/labels";

const CODES = Object.keys(INVOICE_TYPE_LABELS) as InvoiceTypeCode[];

describe("invoice types (发票种类 ⇄ invoiceType)", () => {
  test.each(CODES)("%s: code → label → code", (code) => {
    const label = invoiceTypeLabel(code);
    expect(label).toBe(INVOICE_TYPE_LABELS[code]);
    expect(invoiceTypeCode(label)).toBe(code);
    expect(invoiceKindOf(code)).toBe(label);
    expect(invoiceTypeCode(` ${code} `)).toBe(code);
  });

  test("one label per code and one code per canonical label: the inverse is total", () => {
    expect(new Set(Object.values(INVOICE_TYPE_LABELS)).size).toBe(CODES.length);
    expect([...InvoiceKind.values].sort()).toEqual([...Object.values(INVOICE_TYPE_LABELS)].sort());
    for (const kind of InvoiceKind.values) expect(INVOICE_TYPE_LABELS[invoiceTypeCode(kind)!]).toBe(kind);
  });

  test("every alias reaches the code of its label", () => {
    const aliases = Object.entries(InvoiceKind.aliases);
    expect(aliases.length).toBeGreaterThan(0);
    for (const [alias, kind] of aliases)
      expect([alias, invoiceTypeCode(alias)]).toEqual([alias, invoiceTypeCode(kind)]);
    expect(invoiceTypeCode("增值税纸质专用发票")).toBe("004");
    expect(invoiceTypeCode("纸质专票")).toBe("004");
    expect(invoiceTypeCode("电子专票")).toBe("028");
    expect(invoiceTypeCode("数电发票(普通发票)")).toBe("02");
    expect(invoiceTypeLabel("纸质专票")).toBe("增值税专用发票");
  });

  test("unknown codes and labels: no code; a bureau code (61) shows as itself", () => {
    expect(invoiceTypeCode("61")).toBeUndefined();
    expect(invoiceTypeCode("toString")).toBeUndefined();
    expect(invoiceTypeCode(4)).toBeUndefined();
    expect(invoiceTypeLabel("61")).toBe("61");
    expect(invoiceKindOf("61")).toBeUndefined();
  });

  test("the code lists partition the table; 数电 / 税控 pickers", () => {
    expect([...DIGITAL_INVOICE_TYPE_CODES, ...TAX_CONTROL_INVOICE_TYPE_CODES].sort()).toEqual(
      [...CODES].sort()
    );
    expect(TAX_CONTROL_SPECIAL_TYPE_CODES.every((c) => TAX_CONTROL_INVOICE_TYPE_CODES.includes(c))).toBe(
      true
    );
    expect(digitalInvoiceTypeCode("数电专票")).toBe("01");
    expect(digitalInvoiceTypeCode("增值税专用发票")).toBeUndefined();
    expect(taxControlInvoiceTypeCode("增值税电子普通发票")).toBe("026");
    expect(taxControlInvoiceTypeCode("数电发票（普通发票）")).toBeUndefined();
  });

  test("sameInvoiceType compares codes, whatever the wording on either side", () => {
    expect(sameInvoiceType("004", "增值税纸质专用发票")).toBe(true);
    expect(sameInvoiceType("增值税专用发票", "纸质专票")).toBe(true);
    expect(sameInvoiceType("004", "004")).toBe(true);
    expect(sameInvoiceType("004", "028")).toBe(false);
    expect(sameInvoiceType("028", "增值税专用发票")).toBe(false);
    expect(sameInvoiceType("61", " 61")).toBe(true);
  });
});

describe("红字信息表 发票类型: the 专票 part of the one vocabulary", () => {
  test("its labels are InvoiceKind's labels of 004 and 028 (one list for every template)", () => {
    expect([...InfoFormInvoiceType.values].sort()).toEqual(
      TAX_CONTROL_SPECIAL_TYPE_CODES.map((c) => INVOICE_TYPE_LABELS[c]).sort()
    );
    for (const v of InfoFormInvoiceType.values) expect(InvoiceKind.is(v)).toBe(true);
  });

  test.each(TAX_CONTROL_SPECIAL_TYPE_CODES)("%s: code → label → code", (code) => {
    const label = infoFormInvoiceTypeLabel(code)!;
    expect(InfoFormInvoiceType.is(label)).toBe(true);
    expect(infoFormInvoiceTypeCode(label)).toBe(code);
  });

  test("004 = 增值税专用发票 = 增值税纸质专用发票 = 纸质专票; aliases shared with InvoiceKind", () => {
    for (const t of ["增值税专用发票", "增值税纸质专用发票", "纸质专票", "纸质专用发票", "004"]) {
      expect([t, infoFormInvoiceTypeCode(t)]).toEqual([t, "004"]);
      expect(InfoFormInvoiceType.normalize(t === "004" ? "增值税专用发票" : t)).toBe("增值税专用发票");
    }
    for (const t of ["增值税电子专用发票", "电子专票", "028"]) expect(infoFormInvoiceTypeCode(t)).toBe("028");
    for (const [alias, v] of Object.entries(InfoFormInvoiceType.aliases))
      expect(InvoiceKind.aliases[alias]).toBe(v);
    expect(infoFormInvoiceTypeLabel("增值税纸质专用发票")).toBe("增值税专用发票");
  });

  test("non-专票 are not a 红字信息表 type", () => {
    for (const t of ["增值税普通发票", "026", "数电专票", "01", ""]) {
      expect(infoFormInvoiceTypeCode(t)).toBeUndefined();
      expect(infoFormInvoiceTypeLabel(t)).toBeUndefined();
    }
  });
});

describe("2.2.04 applyType (申请方)", () => {
  test.each(InfoFormApplicant.values.map((a) => [a]))("%s: label → code → label", (a) => {
    const code = applyTypeCode(a);
    expect(code).toBe(INFO_FORM_APPLY_TYPE_CODES[a]);
    expect(applicantOfApplyType(code)).toBe(a);
    expect(applicantOfApplyType(a)).toBe(a);
  });

  test("aliases, the code list and unknowns", () => {
    expect(applyTypeCode("销售方申请")).toBe("seller");
    expect(applyTypeCode("购买方申请-已抵扣")).toBe("buyer-deducted");
    expect(applicantOfApplyType(" buyer-not-deducted ")).toBe("购方申请-未抵扣");
    expect(INFO_FORM_APPLY_TYPE_VALUES).toEqual(["seller", "buyer-not-deducted", "buyer-deducted"]);
    expect(applyTypeCode("购方")).toBeUndefined();
    expect(applicantOfApplyType("buyer")).toBeUndefined();
    expect(applicantOfApplyType(1)).toBeUndefined();
  });
});

describe("红冲原因 codes", () => {
  const mappings = Object.entries(RED_REASON_CODE_MAPPINGS);
  test.each(mappings)("%s mapping: every reason round-trips on both widths", (_name, mapping) => {
    expect(new Set(Object.values(mapping)).size).toBe(RedReason.values.length);
    for (const r of RedReason.values) {
      const one = reasonToCode(r, "2.1.03", mapping)!;
      const two = reasonToCode(r, "2.1.04", mapping)!;
      expect(one).toMatch(/^[1-4]$/);
      expect(two).toBe(`0${one}`);
      expect(codeToReason(one, mapping)).toBe(r);
      expect(codeToReason(two, mapping)).toBe(r);
    }
  });

  test("aliases (销货退回, 服务中止), the default order, unknowns", () => {
    expect(reasonToCode("销货退回", "2.1.04")).toBe("02");
    expect(reasonToCode("服务中止", "2.1.03")).toBe("3");
    expect(redReasonCodes("2.1.04")).toEqual(["01", "04", "02", "03"]);
    expect(redReasonCodes("2.1.03", RED_REASON_CODE_MAPPINGS.kingdeeStandard)).toEqual(["2", "4", "1", "3"]);
    expect(reasonToCode("退款", "2.1.04")).toBeUndefined();
    expect(codeToReason("05")).toBeUndefined();
    expect(codeToReason("x")).toBeUndefined();
  });
});

describe("红字确认单 确认状态 01–10", () => {
  test.each(CONFIRM_STATUS_CODES.map((c) => [c]))("%s: code → label → code", (code) => {
    const label = confirmStatusLabel(code);
    expect(label).toBe(CONFIRM_STATUS_TABLE[code].label);
    expect(confirmStatusCode(label)).toBe(code);
    expect(confirmStatusCode(code)).toBe(code);
  });

  test("label variants, short codes, unknown codes", () => {
    expect(confirmStatusCode("购销双方已确认")).toBe("04");
    expect(confirmStatusCode("作废(超72小时未确认)")).toBe("07");
    expect(confirmStatusCode("（发起方撤销）")).toBe("08");
    expect(confirmStatusCode("4")).toBe("04");
    expect(confirmStatusCode("11")).toBeUndefined();
    expect(confirmStatusLabel("11")).toBe("11");
    expect(confirmStatusCode("待确认")).toBeUndefined();
  });
});

describe("channels, identity, qrlx, download scope", () => {
  test("channels: each label is its own code; the manuals' variants are aliases", () => {
    expect(CHANNELS).toEqual(Channel.values);
    for (const c of CHANNELS) expect(channelOf(c)).toBe(c);
    expect(channelOf("乐企通道")).toBe("乐企");
    expect(channelOf("联云托管渠道")).toBe("联云托管");
    expect(channelOf("RPA通道")).toBe("RPA");
    expect(channelOf("百望")).toBeUndefined();
  });

  test("identity: 销方 0, 购方 1, with the role aliases; inverse", () => {
    expect(PARTY_IDENTITY_CODE_VALUES).toEqual(["0", "1"]);
    for (const r of Role.values) expect(roleOfIdentity(identityCode(r)!)).toBe(r);
    expect(identityCode("我是购方")).toBe("1");
    expect(identityCode("销售方")).toBe("0");
    expect(identityCode("第三方")).toBeUndefined();
    expect(roleOfIdentity("2")).toBeUndefined();
  });

  test("qrlx: revoke C, confirm Y, reject N; inverse", () => {
    for (const a of Object.keys(CONFIRM_TYPE_CODES) as ConfirmTypeAction[]) {
      expect(confirmTypeAction(confirmTypeCode(a))).toBe(a);
    }
    expect(confirmTypeAction("y")).toBe("confirm");
    expect(confirmTypeAction("X")).toBeUndefined();
  });

  test("2.2.05 scope: the two boxes ⇄ own / others / both; none ticked has no code", () => {
    const all = [
      { own: true, others: false },
      { own: false, others: true },
      { own: true, others: true },
    ];
    expect(all.map(downloadScopeCode)).toEqual(["own", "others", "both"]);
    for (const b of all) expect(downloadScopeBoxes(downloadScopeCode(b))).toEqual(b);
    expect(downloadScopeCode({ own: false, others: false })).toBeUndefined();
    expect(downloadScopeBoxes("")).toEqual({ own: false, others: false });
    expect(downloadScopeBoxes("mine")).toEqual({ own: false, others: false });
    expect(INFO_FORM_DOWNLOAD_SCOPE_VALUES).toEqual(["own", "others", "both"]);
  });

  test("the gateway's index exposes the same functions (one API, no second definition)", () => {
    expect(Gateway.invoiceTypeCode).toBe(invoiceTypeCode);
    expect(Gateway.reasonToCode).toBe(reasonToCode);
    expect(Gateway.roleOfIdentity).toBe(roleOfIdentity);
  });
});

// ── the guard: no second copy of these tables ───────────────────────────────

const ROOT = resolve(__dirname, "../../..");
/** The tables' homes (codes.ts re-exports the others). */
const HOMES = new Set([
  "src/gateway/codes.ts",
  "src/gateway/assumptions.ts",
  "src/domain/labels.ts",
  "src/domain/confirmForm/status.ts",
]);

const INV = "(?:028|004|026|007)";
const ANY_INV = "(?:01|02|028|004|026|007)";
const LABEL = "(?:增值税[^\"'\\s:：，,]*发票|数电发票（[^）\"']*）|数电[专普]票|[纸电][质子]?[专普]票)";
const REASON = "(?:开票有误|销售退回|销货退回|服务终止|服务中止|销售折让)";
const hasCode = new RegExp(`["']${ANY_INV}["']`);
const hasLabel = new RegExp(`["']${LABEL}["']`);

type Rule = readonly [string, (line: string) => boolean];
const re = (r: RegExp) => (l: string) => r.test(l);
const RULES: readonly Rule[] = [
  ["a 税控 invoice-type code as an object key", re(new RegExp(`["']${INV}["']\\s*:`))],
  ["an invoice label mapped to a code", re(new RegExp(`${LABEL}["']?\\s*:\\s*["']${ANY_INV}["']`))],
  ["a 数电 code mapped to a label", re(/["']0[12]["']\s*:\s*["']数电/)],
  ["an invoice-type code and label paired", (l) => hasCode.test(l) && hasLabel.test(l)],
  ["a list of 税控 invoice-type codes", re(new RegExp(`\\[\\s*["']${INV}["']\\s*,\\s*["']${INV}["']`))],
  [
    "an applyType table",
    re(
      /["']?(?:seller|buyer-not-deducted|buyer-deducted)["']?\s*:\s*["'](?:销|购)|(?:销方申请|购方申请[^"':]*)["']?\s*:\s*["'](?:seller|buyer-)/
    ),
  ],
  ["an identity table", re(/(?:销方|购方)["']?\s*:\s*["'][01]["']|["'][01]["']\s*:\s*["'](?:销方|购方)["']/)],
  [
    "a 红冲原因 code table",
    re(new RegExp(`${REASON}["']?\\s*:\\s*["']0?[1-4]["']|["']0?[1-4]["']\\s*:\\s*["']${REASON}["']`)),
  ],
  [
    "a 确认状态 table",
    re(
      /["']0?(?:[1-9]|10)["']\s*:\s*(?:\{[^}]*label\s*:\s*)?["'](?:无需确认|销方录入|购方录入|购销双方|作废（)/
    ),
  ],
  ["download scope codes", re(/\bown\s*:\s*["']own["']|\[\s*["']own["']\s*,\s*["']others["']/)],
  ["a qrlx code literal", re(/qrlx\s*:\s*[^;]*["'][CYN]["']\s*[,}]/)],
];

/** Comments may name codes; only code counts. */
function codeOf(line: string): string {
  return line.replace(/^\s*(\*|\/\/|\/\*).*$/, "").replace(/\s\/\/.*$/, "");
}

/** Every line of `text` that holds a copy of a code table, with the rule it breaks. */
function findCopies(text: string): { line: number; rule: string }[] {
  const lines = text.split("\n").map(codeOf);
  const found: { line: number; rule: string }[] = [];
  lines.forEach((l, i) => {
    const rule = RULES.find(([, test]) => test(l));
    if (rule) {
      found.push({ line: i + 1, rule: rule[0] });
      return;
    }
    // A record written over two lines: `kind: "增值税专用发票",` then `type: "004",`.
    const two = `${l} ${lines[i + 1] ?? ""}`;
    if (new RegExp(`:\\s*["']${ANY_INV}["']`).test(two) && new RegExp(`:\\s*["']${LABEL}["']`).test(two)) {
      found.push({ line: i + 1, rule: "an invoice-type code and label paired on adjacent lines" });
    }
  });
  return found;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

describe("guard: one copy of each code table", () => {
  test("the rules find the copies that used to exist", () => {
    const old = [
      '  "028": "增值税电子专用发票",',
      '  增值税专用发票: "004",',
      '  "数电发票（普通发票）": "02",',
      '  "01": "数电发票（增值税专用发票）",',
      '      invoiceType: d.invoiceType === "028" ? "增值税电子专用发票" : "增值税纸质专用发票",',
      '      kind: d.invoiceType === "01" ? "数电发票（增值税专用发票）" : "数电发票（普通发票）",',
      '  "buyer-deducted": "购方申请-已抵扣",',
      '  seller: "销方申请",',
      '  销方申请: "seller",',
      '      invoiceType: S.enumOf(["028", "026", "004", "007"]),',
      '      scope: S.enumOf(["own", "others", "both", ""]),',
      '  销方: "0",',
      '  销货退回: "1",',
      '  "04": { label: "购销双方 已确认", valid: true },',
      '      qrlx: button === "confirm" ? "Y" : "N",',
      '      kind: "增值税专用发票",\n      type: "004",',
    ];
    for (const text of old) expect([text, findCopies(text).length > 0]).toEqual([text, true]);
  });

  test("ordinary code is not flagged", () => {
    const fine = [
      "  // 004 paper special, 028 e-special",
      ' * kinds such as "数电发票（普通发票）"',
      '  key: "seller",',
      "  invoiceType: infoFormInvoiceTypeCode(head.invoiceType),",
      '  readonly qrlx: "C";',
      '  kind: "增值税专用发票",',
      '  redReason: "01",',
    ];
    for (const text of fine) expect([text, findCopies(text)]).toEqual([text, []]);
  });

  test("src, taskpane and functions hold no second table of invoice types, apply types, reasons, statuses, identities, qrlx or scopes", () => {
    const offences: string[] = [];
    for (const dir of ["src", "taskpane", "functions"]) {
      for (const file of sourceFiles(join(ROOT, dir))) {
        const rel = relative(ROOT, file).split("\\").join("/");
        if (HOMES.has(rel)) continue;
        const text = readFileSync(file, "utf8");
        for (const c of findCopies(text)) {
          offences.push(`${rel}:${c.line} ${c.rule}: ${text.split("\n")[c.line - 1].trim()}`);
        }
      }
    }
    expect(offences).toEqual([]);
  });
});
