import { INFO_FORM_IMPORT_ALWAYS_REQUIRED } from "../../../src/domain/infoForm";
import { InfoFormApplicant, InvoiceKind, RedReason } from "../../../src/domain/labels";
import { headerLookup, normalizeHeader } from "../../../src/sheet/mapping";
import { SCHEMAS, resultColumns, type SheetSchema } from "../../../src/sheet/schemas";

const all: SheetSchema[] = Object.values(SCHEMAS);
const col = (s: SheetSchema, key: string) => {
  const c = s.columns.find((x) => x.key === key);
  if (!c) throw new Error(`${s.kind}.${key} missing`);
  return c;
};

describe("sheet schemas", () => {
  test.each(all.map((s) => [s.kind, s] as const))(
    "%s: keys unique, no header or alias names two columns",
    (_k, s) => {
      expect(new Set(s.columns.map((c) => c.key)).size).toBe(s.columns.length);
      expect(() => headerLookup(s)).not.toThrow();
    }
  );

  test("every kind ends with 处理状态 and 失败原因 result columns", () => {
    for (const s of all) {
      expect(resultColumns(s).map((c) => c.header)).toEqual(expect.arrayContaining(["处理状态", "失败原因"]));
    }
  });

  test("number formats: amounts #,##0.00; quantity, unit price, codes, numbers, tax IDs as text; dates", () => {
    const blue = SCHEMAS.blueInvoices;
    expect(col(blue, "amount").numberFormat).toBe("#,##0.00");
    expect(col(blue, "quantity").numberFormat).toBe("@");
    expect(col(blue, "unitPrice").numberFormat).toBe("@");
    expect(col(blue, "invoiceCode").numberFormat).toBe("@");
    expect(col(blue, "invoiceNumber").numberFormat).toBe("@");
    expect(col(blue, "buyerTaxId").numberFormat).toBe("@");
    expect(col(blue, "blueIssueDate").numberFormat).toBe("yyyy-mm-dd");
    expect(col(SCHEMAS.confirmForms, "blueIssueDate").numberFormat).toBe("yyyy-mm-dd hh:mm:ss");
  });

  test("enum columns carry the label set's canonical values as their drop-down list", () => {
    expect(col(SCHEMAS.blueInvoices, "invoiceKind").validationList).toEqual(InvoiceKind.values);
    expect(col(SCHEMAS.confirmForms, "redReason").validationList).toEqual(RedReason.values);
    expect(col(SCHEMAS.infoForms, "applicant").validationList).toEqual(InfoFormApplicant.values);
    expect(col(SCHEMAS.blueInvoices, "buyerName").validationList).toBeNull();
  });

  test("blue-invoice number accepts the manuals' variant headers", () => {
    const lookup = headerLookup(SCHEMAS.blueInvoices);
    for (const h of ["发票号码", "原发票号码", "蓝票号码", "对应蓝票号码"]) {
      expect(lookup.get(normalizeHeader(h))?.key).toBe("invoiceNumber");
    }
  });

  test("红字信息表 required flags follow the domain module (§3.8), blue fields stay conditional", () => {
    const s = SCHEMAS.infoForms;
    for (const key of INFO_FORM_IMPORT_ALWAYS_REQUIRED) expect(col(s, key).required).toBe(true);
    for (const key of ["blueInvoiceCode", "blueInvoiceNo", "blueIssueDate"])
      expect(col(s, key).required).toBe(false);
  });
});
