import fs from "node:fs";
import path from "node:path";
import { CALLBACK_ACK } from "../../../src/gateway/payloads";
import { readInvoiceCallback } from "../../../src/gateway/callback";
import { base64EncodeText } from "../../../src/gateway/codec";
import { parseJsonExact } from "../../../src/gateway/json";

const RED_CALLBACK_DATA =
  '{"serialNo":"RED-20240601-0001","invoiceNum":"24330000000087654321","invoiceProperty":"1",' +
  '"invoiceDate":"2024-06-01 10:15:00","invoiceType":"02","includeTaxAmount":-106.00,' +
  '"sellerName":"测试销方有限公司","sellerTaxpayerId":"91330100MA2TEST01X","buyerName":"测试购方有限公司",' +
  '"drawer":"张三","originalInvoiceNumber":"24330000000012345678","redInfoBillNo":"4403000000000001",' +
  '"redConfirmBillStatus":"01","invoiceDetail":[{"seq":0,"detailRowNo":1,"lineProperty":"0","billSourceId":"L1",' +
  '"goodsName":"信息技术服务","revenueCode":"3040201010000000000","amount":-100.00,"taxRate":"0.06","taxAmount":-6.00}]}';

describe("2.1.02 callback", () => {
  it("the ack is exactly the documented shape", () => {
    expect(JSON.stringify(CALLBACK_ACK)).toBe('{"message":"回调成功","errorCode":"0","success":true}');
  });

  it("decodes a base64 INVOICE.RED callback with exact amounts", async () => {
    const body = parseJsonExact(
      `{"returnMsg":"success","returnCode":"0","interfaceCode":"INVOICE.RED","data":"${base64EncodeText(RED_CALLBACK_DATA)}"}`
    );
    const r = await readInvoiceCallback(body, { encoding: "base64" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ interfaceCode: "INVOICE.RED", issued: true, returnCode: "0" });
    expect(r.value.data).toMatchObject({
      invoiceNum: "24330000000087654321",
      includeTaxAmount: "-106.00",
      invoiceDetail: [{ seq: "0", amount: "-100.00", taxAmount: "-6.00" }],
    });
  });

  it("reads a failure callback (9999) and refuses malformed bodies", async () => {
    const failed = await readInvoiceCallback(
      { returnMsg: "开票失败：税局异常", returnCode: "9999", interfaceCode: "INVOICE.OPEN", data: "" },
      { encoding: "base64" }
    );
    expect(failed).toMatchObject({
      ok: true,
      value: { issued: false, returnMsg: "开票失败：税局异常", data: undefined },
    });
    expect(await readInvoiceCallback({ returnCode: "0" }, { encoding: "base64" })).toMatchObject({
      ok: false,
      refusal: { code: "GW_BAD_ENVELOPE" },
    });
    expect(
      await readInvoiceCallback(
        { returnCode: "0", interfaceCode: "INVOICE.RED", data: "not-decodable" },
        { encoding: "base64" }
      )
    ).toMatchObject({ ok: false, refusal: { code: "GW_BAD_DATA_ENCODING" } });
  });
});

describe("isomorphic source (task pane bundles src/gateway)", () => {
  const dir = path.join(__dirname, "../../../src/gateway");
  const sources = fs.readdirSync(dir).filter((f) => f.endsWith(".ts"));

  it.each(sources)("%s uses no Node-only module or Buffer", (file) => {
    // Code only: comments may name what we avoid.
    const text = fs
      .readFileSync(path.join(dir, file), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    expect(text).not.toMatch(/from\s+["'](node:|crypto|fs|http|https|net|buffer|path)["'/]/);
    expect(text).not.toMatch(/require\(/);
    expect(text).not.toMatch(/\bBuffer\b/);
  });
});
