import { refusalMessage } from "../../../src/domain/refusals";
import {
  RED_REASON_CODE_MAPPINGS,
  codeToReason,
  identityCode,
  reasonToCode,
  roleOfIdentity,
} from "../../../src/gateway/codes";
import {
  matchDomainRefusal,
  refusalFromBusinessFailure,
  refusalFromHttpStatus,
} from "../../../src/gateway/errors";
import { INTERFACES, interfaceByCode, resolveInterfaces } from "../../../src/gateway/interfaces";
import { parseJsonExact } from "../../../src/gateway/json";
import {
  failureEnvelope,
  normalizeResponse,
  readAuthReply,
  successEnvelope,
} from "../../../src/gateway/protocol";
import { isValidSerialNo, newRequestId, newSerialNo } from "../../../src/gateway/serial";

const parse = (s: string) => parseJsonExact(s);

describe("response envelope quirks (§1.5)", () => {
  it('accepts success as the string "true" (2.1.13)', () => {
    const r = normalizeResponse(
      parse('{"errorCode":"0","success":"true","message":"","data":{"pageNo":1}}'),
      "sim"
    );
    expect(r).toMatchObject({ success: true, errorCode: "0", message: "", data: { pageNo: "1" } });
  });

  it('reads "false" as failure even with a message', () => {
    expect(
      normalizeResponse(parse('{"errorCode":"30001","success":"false","message":"x"}'), "sim")?.success
    ).toBe(false);
  });

  it("reads errorMsg when message is absent (4.1.04)", () => {
    const r = normalizeResponse(parse('{"errorCode":"0","success":false,"errorMsg":"发票不存在"}'), "sim");
    expect(r).toMatchObject({ success: false, message: "发票不存在" });
  });

  it('decides by errorCode when success is missing: "0" on sim, "0000" on rim', () => {
    expect(normalizeResponse(parse('{"errorCode":"0000","data":{"taskNo":"T1"}}'), "rim")?.success).toBe(
      true
    );
    expect(normalizeResponse(parse('{"errorCode":"0"}'), "sim")?.success).toBe(true);
    expect(normalizeResponse(parse('{"errorCode":"9999","message":"失败"}'), "rim")?.success).toBe(false);
  });

  it("a numeric errorCode is read as its text", () => {
    expect(normalizeResponse(parse('{"errorCode":10127,"success":false}'), "sim")?.errorCode).toBe("10127");
  });

  it("is not an envelope without success and errorCode", () => {
    expect(normalizeResponse(parse('{"foo":1}'), "sim")).toBeUndefined();
    expect(normalizeResponse(parse("[1]"), "sim")).toBeUndefined();
  });

  it("carries our refusalCode extension", () => {
    const r = normalizeResponse(
      failureEnvelope("GW", "请求数据不合法：x", {
        refusalCode: "GW_VALIDATION",
        refusalParams: { detail: "x" },
      }),
      "sim"
    );
    expect(r).toMatchObject({ success: false, refusalCode: "GW_VALIDATION", refusalParams: { detail: "x" } });
    expect(successEnvelope("rim", "abc")).toEqual({
      errorCode: "0000",
      success: true,
      status: true,
      message: "",
      data: "abc",
    });
  });
});

describe("auth replies (§1.2)", () => {
  it("reads app_token and expire_time (epoch ms)", () => {
    const raw = parse(
      '{"data":{"app_token":"0c2a7c9e-1","success":true,"error_desc":"","expire_time":1717219545678,"error_code":"0"},"state":"success","status":true}'
    );
    expect(readAuthReply(raw, "app_token")).toEqual({
      ok: true,
      token: "0c2a7c9e-1",
      expireTime: 1717219545678,
    });
  });

  it("reads a failure with its description", () => {
    const raw = parse(
      '{"data":{"success":false,"error_desc":"appSecret错误","error_code":"1"},"state":"fail"}'
    );
    expect(readAuthReply(raw, "app_token")).toEqual({ ok: false, errorCode: "1", message: "appSecret错误" });
  });

  it("a reply without the token is a failure", () => {
    expect(readAuthReply(parse('{"data":{"success":true,"error_code":"0"}}'), "access_token")).toMatchObject({
      ok: false,
    });
  });
});

describe("refusal mapping", () => {
  it("maps duplicate serial 10127 with the serialNo", () => {
    const r = refusalFromBusinessFailure(
      { success: false, errorCode: "10127", message: "流水号重复", data: undefined },
      { serialNo: "HC-RED-20241022-7F3K9Q2M" }
    );
    expect(r.code).toBe("GW_DUPLICATE_SERIAL");
    expect(r.message).toBe(refusalMessage("GW_DUPLICATE_SERIAL", { serialNo: "HC-RED-20241022-7F3K9Q2M" }));
    expect(r.message).toContain("HC-RED-20241022-7F3K9Q2M");
  });

  it("maps an unknown business error to GW_BUSINESS_ERROR with the cloud's message", () => {
    const r = refusalFromBusinessFailure({
      success: false,
      errorCode: "30001",
      message: "销方税号不存在于组织",
      data: null,
    });
    expect(r.code).toBe("GW_NOT_FOUND");
    const r2 = refusalFromBusinessFailure({
      success: false,
      errorCode: "30001",
      message: "开票点未配置",
      data: null,
    });
    expect(r2).toMatchObject({
      code: "GW_BUSINESS_ERROR",
      message: "发票云返回错误：开票点未配置（错误码 30001）",
    });
  });

  it("maps a domain message back to its domain code (with params)", () => {
    expect(matchDomainRefusal("开票有误仅支持全额红冲")?.code).toBe("ISSUE_ERROR_FULL_ONLY");
    const r = refusalFromBusinessFailure({
      success: false,
      errorCode: "1",
      message: "剩余可红冲金额不足。开票管理→待开发票页面中可能存在本发票的未开票的数据，请先处理。",
      data: null,
    });
    expect(r.code).toBe("INSUFFICIENT_REMAINING");
    expect(matchDomainRefusal("红冲原因为“开票有误”时不允许编辑数量")).toMatchObject({
      code: "FIELD_NOT_EDITABLE",
      params: { reason: "开票有误", field: "数量" },
    });
    expect(matchDomainRefusal("完全无关的信息")).toBeUndefined();
  });

  it("prefers our refusalCode extension", () => {
    const r = refusalFromBusinessFailure({
      success: false,
      errorCode: "1",
      message: "",
      data: null,
      refusalCode: "REVOKE_WRONG_PARTY",
      refusalParams: { party: "购方" },
    });
    expect(r).toMatchObject({
      code: "REVOKE_WRONG_PARTY",
      message: refusalMessage("REVOKE_WRONG_PARTY", { party: "购方" }),
    });
  });

  it("maps HTTP statuses", () => {
    expect(refusalFromHttpStatus(503, "").code).toBe("GW_SERVER_ERROR");
    expect(refusalFromHttpStatus(429, "").code).toBe("GW_RATE_LIMITED");
    expect(refusalFromHttpStatus(404, "").code).toBe("GW_NOT_FOUND");
    expect(refusalFromHttpStatus(401, "").code).toBe("GW_AUTH_FAILED");
    expect(refusalFromHttpStatus(400, "").code).toBe("GW_BAD_RESPONSE");
  });
});

describe("assumptions", () => {
  it("maps red reasons in the bureau's order by default, width per interface", () => {
    expect(reasonToCode("开票有误", "2.1.04")).toBe("01");
    expect(reasonToCode("销货退回", "2.1.04")).toBe("02");
    expect(reasonToCode("服务中止", "2.1.03")).toBe("3");
    expect(reasonToCode("销售折让", "2.1.03")).toBe("4");
    expect(reasonToCode("作废", "2.1.03")).toBeUndefined();
  });

  it("switches to Kingdee's standard order when configured", () => {
    const m = RED_REASON_CODE_MAPPINGS.kingdeeStandard;
    expect(reasonToCode("销售退回", "2.1.04", m)).toBe("01");
    expect(reasonToCode("开票有误", "2.1.03", m)).toBe("2");
    expect(codeToReason("02", m)).toBe("开票有误");
  });

  it("reads codes of either width back to the canonical label", () => {
    expect(codeToReason("1")).toBe("开票有误");
    expect(codeToReason("02")).toBe("销售退回");
    expect(codeToReason("03")).toBe("服务终止");
    expect(codeToReason("4")).toBe("销售折让");
    expect(codeToReason("5")).toBeUndefined();
    expect(codeToReason("x")).toBeUndefined();
  });

  it("identity codes: 0 seller, 1 buyer", () => {
    expect(identityCode("我是销方")).toBe("0");
    expect(identityCode("购方")).toBe("1");
    expect(roleOfIdentity("1")).toBe("购方");
    expect(roleOfIdentity("2")).toBeUndefined();
  });

  it("the interface table and overrides", () => {
    expect(INTERFACES["2.1.04"]).toMatchObject({ interfaceCode: "ALLE.INVOICE.RED", endpoint: "sim" });
    expect(INTERFACES["4.02"]).toMatchObject({ endpoint: "rim", assumed: true });
    const t = resolveInterfaces({ "2.1.09": { interfaceCode: "ALLE.REDCONFIRMBILL.CONFIRM" } });
    expect(t["2.1.09"]).toMatchObject({ interfaceCode: "ALLE.REDCONFIRMBILL.CONFIRM", assumed: false });
    expect(interfaceByCode(" ALLE.INVOICE.RED")?.id).toBe("2.1.04");
    expect(interfaceByCode("NOPE")).toBeUndefined();
  });
});

describe("serial numbers and request ids", () => {
  const fixedRandom = (n: number) => Uint8Array.from({ length: n }, (_, i) => i * 7);

  it("serialNo = prefix-date(China)-random, ≤ 30 chars", () => {
    // 2024-10-21T16:30Z is already 2024-10-22 00:30 in China.
    const s = newSerialNo({ now: Date.UTC(2024, 9, 21, 16, 30), random: fixedRandom });
    expect(s).toBe("HC-RED-20241022-07ENW3AH");
    expect(s.length).toBeLessThanOrEqual(30);
    expect(isValidSerialNo(s)).toBe(true);
    expect(() => newSerialNo({ prefix: "A-VERY-LONG-PREFIX-XX" })).toThrow(RangeError);
    expect(() => newSerialNo({ prefix: "bad prefix" })).toThrow(RangeError);
  });

  it("requestId = 13-digit epoch ms + 3 digits", () => {
    const id = newRequestId(1717212345678, () => Uint8Array.from([0x01, 0x00]));
    expect(id).toBe("1717212345678256");
    expect(newRequestId()).toMatch(/^\d{16}$/);
  });
});
