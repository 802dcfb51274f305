import { refusal } from "../../../src/domain/refusals";
import { schemaOf, type SheetKind } from "../../../src/sheet/schemas";
import {
  WIRE_FIELDS,
  clerkText,
  parseWirePath,
  placeOfRefusal,
  withClerkWording,
  type RowBuiltInterface,
} from "../../../src/sheet/wireFields";

/** Every (kind, interface, part, wire field, column key) the tables name. */
const entries = Object.entries(WIRE_FIELDS).flatMap(([kind, byIface]) =>
  Object.entries(byIface ?? {}).flatMap(([iface, map]) => [
    ...Object.entries(map!.header).map(([wire, key]) => [kind, iface, "header", wire, key] as const),
    ...Object.entries(map!.line).map(([wire, key]) => [kind, iface, "line", wire, key] as const),
  ])
);

describe("WIRE_FIELDS", () => {
  it("covers the interfaces each sheet sends", () => {
    expect(Object.keys(WIRE_FIELDS.infoForms!).sort()).toEqual(["2.2.01", "2.2.02", "2.2.04"]);
    expect(Object.keys(WIRE_FIELDS.confirmForms!).sort()).toEqual(["2.1.03", "2.1.04"]);
    expect(Object.keys(WIRE_FIELDS.blueInvoices!).sort()).toEqual(["2.1.04", "2.2.01", "2.2.02", "2.2.04"]);
    expect(entries.length).toBeGreaterThan(60);
  });

  it.each(entries)("%s %s %s.%s → an input column %s of the schema", (kind, _iface, _part, _wire, key) => {
    const col = schemaOf(kind as SheetKind).columns.find((c) => c.key === key);
    expect(col).toBeDefined();
    expect(col!.result).toBe(false);
  });

  it.each([
    ["infoForms", "2.2.04", "invoiceDetail[0].revenueCode", "taxCode"],
    ["infoForms", "2.2.04", "invoiceDetail[3].amount", "redAmount"],
    ["infoForms", "2.2.04", "invoiceDetail[0].taxAmount", "redTax"],
    ["infoForms", "2.2.04", "invoiceDetail[0].price", "unitPrice"],
    ["infoForms", "2.2.04", "invoiceDetail[0].units", "unit"],
    ["infoForms", "2.2.04", "invoiceDetail[0].specification", "spec"],
    ["infoForms", "2.2.04", "sellerTaxpayerId", "sellerTaxId"],
    ["infoForms", "2.2.04", "buyerTaxpayerId", "buyerTaxId"],
    ["infoForms", "2.2.04", "originalInvoiceCode", "blueInvoiceCode"],
    ["infoForms", "2.2.04", "originalInvoiceNumber", "blueInvoiceNo"],
    ["infoForms", "2.2.04", "originalIssueTime", "blueIssueDate"],
    ["infoForms", "2.2.04", "applyType", "applicant"],
    ["infoForms", "2.2.04", "invoiceType", "invoiceType"],
    ["confirmForms", "2.1.03", "invoiceNo", "blueInvoiceNumber"],
    ["confirmForms", "2.1.03", "enteridentity", "myRole"],
    ["confirmForms", "2.1.03", "invoiceDetail[1].originalSeq", "lineNo"],
    ["confirmForms", "2.1.03", "invoiceDetail[1].taxAmount", "taxAmount"],
    ["blueInvoices", "2.1.04", "invoiceNum", "invoiceNumber"],
    ["blueInvoices", "2.2.02", "[0].originalInvoiceNumber", "invoiceNumber"],
  ] as const)("%s %s %s is column %s", (kind, iface, field, key) => {
    expect(placeOfRefusal(kind, iface, { field }, { rows: [10, 11, 12, 13] })?.columnKey).toBe(key);
  });
});

describe("placeOfRefusal", () => {
  const doc = { rows: [4, 5, 6] };
  it("puts a line field on the row of that line and a document field on the first row", () => {
    expect(placeOfRefusal("infoForms", "2.2.04", { field: "invoiceDetail[1].revenueCode" }, doc)).toEqual({
      rowIndex: 5,
      columnKey: "taxCode",
    });
    expect(placeOfRefusal("infoForms", "2.2.04", { field: "buyerTaxpayerId" }, doc)).toEqual({
      rowIndex: 4,
      columnKey: "buyerTaxId",
    });
  });
  it("follows lineRows when not every row made a line", () => {
    expect(
      placeOfRefusal(
        "confirmForms",
        "2.1.03",
        { field: "invoiceDetail[0].amount" },
        { rows: [4, 5, 6], lineRows: [6] }
      )
    ).toEqual({ rowIndex: 6, columnKey: "amount" });
  });
  it("marks the row only for a field without a column, the document for none or an unknown line", () => {
    expect(placeOfRefusal("infoForms", "2.2.04", { field: "serialNo" }, doc)).toEqual({
      rowIndex: 4,
      columnKey: null,
    });
    expect(placeOfRefusal("infoForms", "2.2.04", { field: "invoiceDetail[2]" }, doc)).toEqual({
      rowIndex: 6,
      columnKey: null,
    });
    expect(placeOfRefusal("infoForms", "2.2.04", {}, doc)).toBeNull();
    expect(placeOfRefusal("infoForms", "2.2.04", { field: "invoiceDetail" }, doc)).toBeNull();
    expect(placeOfRefusal("infoForms", "2.2.04", { field: "invoiceDetail[7].amount" }, doc)).toBeNull();
    expect(placeOfRefusal("blueInvoices", "2.1.04", { field: "sellerTaxpayerId" }, doc)).toEqual({
      rowIndex: 4,
      columnKey: null,
    });
  });
  it("reads data paths with and without the data prefix", () => {
    expect(parseWirePath("data.invoiceDetail[0].revenueCode")).toEqual({ line: 0, name: "revenueCode" });
    expect(parseWirePath("[0].serialNo")).toEqual({ line: null, name: "serialNo" });
    expect(parseWirePath("a.b.c")).toBeUndefined();
  });
});

describe("clerk wording", () => {
  const at = (kind: SheetKind, iface: RowBuiltInterface, text: string, field?: string) =>
    clerkText(kind, iface, text, field);
  it.each([
    ["字段 data.invoiceDetail[1].revenueCode 格式不正确", "税收分类编码（第 2 条明细）格式不正确"],
    [
      "请求数据不合法：字段 data.invoiceDetail[0].taxRate 应为字符串",
      "请求数据不合法：税率（第 1 条明细）应为字符串",
    ],
    ["缺少必填字段 data.buyerTaxpayerId", "购方税号不能为空"],
    ["字段 data.buyerName 超过最大长度 200", "购方名称超过最大长度 200"],
    [
      "data.invoiceDetail[0].taxAmount 与 金额×税率 相差超过0.06",
      "税额（第 1 条明细）与 金额×税率 相差超过0.06",
    ],
    ["字段 data.serialNo 格式不正确", "字段 data.serialNo 格式不正确"],
  ])("infoForms 2.2.04: %s → %s", (text, expected) => {
    expect(at("infoForms", "2.2.04", text)).toBe(expected);
  });
  it("rewrites a bare path only when it is the refusal's field", () => {
    expect(at("infoForms", "2.2.04", "invoiceDetail[0].amount 不能为0", "invoiceDetail[0].amount")).toBe(
      "金额（第 1 条明细）不能为0"
    );
    expect(at("infoForms", "2.2.04", "amount 不能为0")).toBe("amount 不能为0");
  });
  it("withClerkWording rewrites message and params, keeps code and field", () => {
    const r = {
      ...refusal("GW_VALIDATION", { detail: "字段 data.invoiceDetail[1].revenueCode 格式不正确" }),
      field: "invoiceDetail[1].revenueCode",
    };
    const w = withClerkWording("infoForms", "2.2.04", r);
    expect(w).toEqual({
      code: "GW_VALIDATION",
      message: "请求数据不合法：税收分类编码（第 2 条明细）格式不正确",
      params: { detail: "税收分类编码（第 2 条明细）格式不正确" },
      field: "invoiceDetail[1].revenueCode",
    });
  });
});
