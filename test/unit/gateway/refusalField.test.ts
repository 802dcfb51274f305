import { fieldOfSchemaMessage, refusalFromBusinessFailure } from "../../../src/gateway/errors";
import { failureEnvelope, normalizeResponse } from "../../../src/gateway/protocol";
import { describeSchemaError } from "../../../src/server/protocol/validation";

const answer = (raw: Record<string, unknown>) => {
  const n = normalizeResponse(raw, "sim");
  if (!n) throw new Error("not an envelope");
  return refusalFromBusinessFailure(n);
};

describe("Refusal.field from a gateway answer", () => {
  it("carries our refusalField extension through the envelope", () => {
    const env = failureEnvelope("GW_VALIDATION", "请求数据不合法：税额与金额×税率相差超过0.06", {
      refusalCode: "GW_VALIDATION",
      refusalParams: { detail: "税额与金额×税率相差超过0.06" },
      refusalField: "invoiceDetail[2].taxAmount",
    });
    expect(env.refusalField).toBe("invoiceDetail[2].taxAmount");
    expect(answer(env)).toEqual({
      code: "GW_VALIDATION",
      message: "请求数据不合法：税额与金额×税率相差超过0.06",
      params: { detail: "税额与金额×税率相差超过0.06" },
      field: "invoiceDetail[2].taxAmount",
    });
  });

  it("recovers the field from a schema refusal's wording when refusalField is absent (vendor shape)", () => {
    expect(
      answer({
        errorCode: "9999",
        success: false,
        message: "请求数据不合法：字段 data.invoiceDetail[0].revenueCode 格式不正确",
      })
    ).toEqual({
      code: "GW_BUSINESS_ERROR",
      message:
        "发票云返回错误：请求数据不合法：字段 data.invoiceDetail[0].revenueCode 格式不正确（错误码 9999）",
      params: { message: "请求数据不合法：字段 data.invoiceDetail[0].revenueCode 格式不正确（错误码 9999）" },
      field: "invoiceDetail[0].revenueCode",
    });
  });

  it("prefers refusalField over the wording, and sets no field when neither names one", () => {
    expect(
      answer({
        errorCode: "X",
        success: false,
        message: "字段 data.buyerName 不能为空",
        refusalField: "buyerTaxpayerId",
      }).field
    ).toBe("buyerTaxpayerId");
    expect(answer({ errorCode: "X", success: false, message: "系统繁忙" })).not.toHaveProperty("field");
  });

  it.each([
    [
      { keyword: "pattern", instancePath: "/invoiceDetail/1/revenueCode", params: {} },
      "invoiceDetail[1].revenueCode",
    ],
    [
      { keyword: "required", instancePath: "", params: { missingProperty: "buyerTaxpayerId" } },
      "buyerTaxpayerId",
    ],
    [
      { keyword: "required", instancePath: "/invoiceDetail/0", params: { missingProperty: "amount" } },
      "invoiceDetail[0].amount",
    ],
    [{ keyword: "type", instancePath: "/0/serialNo", params: { type: "string" } }, "[0].serialNo"],
    [{ keyword: "additionalProperties", instancePath: "", params: { additionalProperty: "foo" } }, "foo"],
    [{ keyword: "maxLength", instancePath: "/buyerName", params: { limit: 200 } }, "buyerName"],
  ])("reads back the path of describeSchemaError %#", (e, field) => {
    expect(fieldOfSchemaMessage(describeSchemaError(e, "data"))).toBe(field);
  });

  it("names no field for body (envelope) errors", () => {
    expect(
      fieldOfSchemaMessage(
        describeSchemaError(
          { keyword: "required", instancePath: "", params: { missingProperty: "interfaceCode" } },
          ""
        )
      )
    ).toBeUndefined();
  });
});
