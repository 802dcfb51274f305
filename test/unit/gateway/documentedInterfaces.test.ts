/**
 * Which interfaceCodes the vendor documents (issue 9): those the product calls or simulates
 * (INTERFACES) and those it does not (DOCUMENTED_UNSERVED). A server without a handler answers the
 * first kind GW_NOT_IMPLEMENTED and anything else GW_UNKNOWN_INTERFACE.
 */
import {
  DOCUMENTED_UNSERVED,
  INTERFACES,
  INTERFACE_IDS,
  interfaceByCode,
  isDocumentedInterface,
  resolveInterfaces,
} from "../../../src/gateway/interfaces";
import { createSandboxRegistry } from "../../../src/server/sandbox";

describe("isDocumentedInterface", () => {
  it("is true for every interface of INTERFACES, the ones the product calls", () => {
    for (const id of INTERFACE_IDS) expect(isDocumentedInterface(INTERFACES[id].interfaceCode)).toBe(true);
    expect(isDocumentedInterface("ALLE.BATCH.QUERY")).toBe(true);
  });

  it.each([
    ["1.1.01", "BILL.PUSH", "sim"],
    ["1.1.02", "BILL.WITHDRAW", "sim"],
    ["1.1.03", "BILL.INVOICE.QUERY", "sim"],
    ["1.1.07", "BILL.REISSUE.CREATE", "sim"],
    ["2.2.11", "INVOICE.OPEN.VEHICLE", "sim"],
    ["2.2.13", "INVOICE.RED.VEHICLE", "sim"],
    ["2.2.15", "QUIERY.VEHICLE.INFO", "sim"],
    ["3.4", "ALLE.ACCOUNT.CHECK", "sim"],
    ["4.01", "taxLogin", "rim"],
    ["4.05", "invoiceSelect", "rim"],
    ["4.09", "statisticCreateQuery", "rim"],
  ])("knows %s %s (%s), which the sandbox does not serve", (id, code, endpoint) => {
    expect(DOCUMENTED_UNSERVED[id as keyof typeof DOCUMENTED_UNSERVED]).toMatchObject({
      interfaceCode: code,
      endpoint,
    });
    expect(isDocumentedInterface(code)).toBe(true);
    expect(interfaceByCode(code)).toBeUndefined();
  });

  it("lists exactly those eleven, none of them served by the sandbox or also in INTERFACES", () => {
    const codes = Object.values(DOCUMENTED_UNSERVED).map((s) => s.interfaceCode);
    expect(codes).toHaveLength(11);
    const registry = createSandboxRegistry();
    expect(codes.filter((c) => registry.get(c) !== undefined || interfaceByCode(c))).toEqual([]);
  });

  it("trims the code as the server does (the 2.1.04 example's leading space)", () => {
    expect(isDocumentedInterface(" ALLE.INVOICE.RED")).toBe(true);
    expect(isDocumentedInterface(" BILL.PUSH ")).toBe(true);
  });

  it("is false for codes nobody documents, and is case-sensitive as the vendor's codes are", () => {
    expect(isDocumentedInterface("ALLE.NO.SUCH")).toBe(false);
    expect(isDocumentedInterface("")).toBe(false);
    expect(isDocumentedInterface("bill.push")).toBe(false);
    expect(isDocumentedInterface("TaxLogin")).toBe(false);
  });

  it("follows a deployment's corrected codes (interfaceOverrides)", () => {
    const table = resolveInterfaces({ "2.1.09": { interfaceCode: "REDCONFIRMBILL.CONFIRM.V2" } });
    expect(isDocumentedInterface("REDCONFIRMBILL.CONFIRM.V2", table)).toBe(true);
    expect(isDocumentedInterface("REDCONFIRMBILL.CONFIRM.V2")).toBe(false);
    expect(isDocumentedInterface("BILL.PUSH", table)).toBe(true);
  });
});
