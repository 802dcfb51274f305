/**
 * One wire definition per interface (issue 8, item 1): every sandbox handler validates with the
 * interface's schema from src/gateway/schemas (the same object), every client request type is derived
 * from it (type-level, checked by tsc), and the client's pre-send check refuses what the sandbox would
 * refuse — same message, same field — without any HTTP call.
 */
import AjvCompiler from "@fastify/ajv-compiler";
import type { Static, TSchema } from "@sinclair/typebox";
import axios, { type AxiosAdapter, type InternalAxiosRequestConfig } from "axios";
import { Dec } from "../../../src/domain/money";
import { type GatewayClient, createGatewayClient } from "../../../src/gateway/client";
import {
  EXTENSIONS,
  type BlueInvoiceQueryRequest,
  type RedInfoFormActionRequest,
} from "../../../src/gateway/extensions";
import { INTERFACES, INTERFACE_IDS } from "../../../src/gateway/interfaces";
import { JsonDecimal } from "../../../src/gateway/json";
import type * as P from "../../../src/gateway/payloads";
import {
  BlueInvoiceOpenData,
  BlueInvoiceQueryData,
  CLIENT_ONLY_SCHEMAS,
  InputCollectionQueryData,
  InputCollectionStartData,
  InvoiceQueryData,
  RedConfirmBillApplyData,
  RedConfirmBillConfirmData,
  RedConfirmBillDownloadData,
  RedConfirmBillQueryData,
  RedConfirmBillRevokeData,
  RedFlushDigitalData,
  RedInfoFormActionData,
  RedInfoFormApplyData,
  RedInfoFormDownloadData,
  TaxControlQuickRedData,
  WIRE_SCHEMAS,
  WIRE_SCHEMAS_BY_ID,
  type WireIn,
  type WireOut,
  checkWireData,
} from "../../../src/gateway/schemas";
import {
  schemaErrorField,
  describeSchemaErrors,
  type SchemaError,
} from "../../../src/server/protocol/validation";
import { createSandboxRegistry } from "../../../src/server/sandbox";
import type { redInfoFormApplyHandler } from "../../../src/server/sandbox/interfaces/redInfoFormApply";
import type { invoiceRedHandler } from "../../../src/server/sandbox/interfaces/invoiceRed";

// ── type level: compiled by tsc (`npx tsc --noEmit`), a mismatch is a compile error ─────────────

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Req<M extends keyof GatewayClient> = GatewayClient[M] extends (req: infer R) => unknown ? R : never;
type Out<S extends TSchema> = WireOut<Static<S>>;

const typeChecks = {
  openBlueInvoice: true as Equals<Req<"openBlueInvoice">, Out<typeof BlueInvoiceOpenData>>,
  applyRedConfirmBill: true as Equals<Req<"applyRedConfirmBill">, Out<typeof RedConfirmBillApplyData>>,
  redFlushDigital: true as Equals<Req<"redFlushDigital">, Out<typeof RedFlushDigitalData>>,
  revokeRedConfirmBill: true as Equals<Req<"revokeRedConfirmBill">, Out<typeof RedConfirmBillRevokeData>>,
  confirmRedConfirmBill: true as Equals<Req<"confirmRedConfirmBill">, Out<typeof RedConfirmBillConfirmData>>,
  queryRedConfirmBills: true as Equals<Req<"queryRedConfirmBills">, Out<typeof RedConfirmBillQueryData>>,
  downloadRedConfirmBills: true as Equals<
    Req<"downloadRedConfirmBills">,
    Out<typeof RedConfirmBillDownloadData>
  >,
  quickRedFlushTaxControl: true as Equals<Req<"quickRedFlushTaxControl">, Out<typeof TaxControlQuickRedData>>,
  applyRedInfoForm: true as Equals<Req<"applyRedInfoForm">, Out<typeof RedInfoFormApplyData>>,
  downloadRedInfoForms: true as Equals<Req<"downloadRedInfoForms">, Out<typeof RedInfoFormDownloadData>>,
  startInputCollection: true as Equals<Req<"startInputCollection">, Out<typeof InputCollectionStartData>>,
  queryInputCollection: true as Equals<Req<"queryInputCollection">, Out<typeof InputCollectionQueryData>>,
  queryInvoice: true as Equals<Req<"queryInvoice">, Out<typeof InvoiceQueryData>>,
  // The exported names callers use are the same types.
  redInfoFormApplyRequest: true as Equals<P.RedInfoFormApplyRequest, Out<typeof RedInfoFormApplyData>>,
  // HC.* extension requests too.
  blueInvoiceQuery: true as Equals<BlueInvoiceQueryRequest, Out<typeof BlueInvoiceQueryData>>,
  redInfoFormAction: true as Equals<RedInfoFormActionRequest, Out<typeof RedInfoFormActionData>>,
  // Handlers read the same schema with numbers as exact text.
  redInfoFormApplyHandler: true as Equals<
    Parameters<(typeof redInfoFormApplyHandler)["handle"]>[1],
    WireIn<Static<typeof RedInfoFormApplyData>>
  >,
  invoiceRedHandler: true as Equals<
    Parameters<(typeof invoiceRedHandler)["handle"]>[1],
    WireIn<Static<typeof RedFlushDigitalData>>
  >,
  // Amounts are Dec | JsonDecimal (or decimal text) on requests, text in handlers.
  amountOut: true as Equals<P.RedInfoFormLine["amount"], Dec | JsonDecimal | string>,
  amountIn: true as Equals<
    WireIn<Static<typeof RedInfoFormApplyData>>["invoiceDetail"][number]["amount"],
    string
  >,
  // Integers stay JS numbers on requests.
  pageNo: true as Equals<P.InputCollectionQueryRequest["pageNo"], number | undefined>,
} as const;

// ── the server's validator, exactly as src/server/app.ts configures it ───────────────────────────

const compile = AjvCompiler()(
  {},
  {
    customOptions: { coerceTypes: false, allowUnionTypes: true, multipleOfPrecision: 9 },
  }
) as unknown as (route: { schema: unknown }) => ((v: unknown) => boolean) & { errors?: SchemaError[] | null };

/** What the sandbox answers for a decoded `data` (numbers as JS numbers, as `typedView` does). */
function serverVerdict(
  schema: TSchema,
  typed: unknown
): { ok: true } | { ok: false; detail: string; field?: string } {
  const validate = compile({ schema });
  if (validate(typed)) return { ok: true };
  const field = schemaErrorField(validate.errors);
  return { ok: false, detail: describeSchemaErrors(validate.errors, "data"), ...(field ? { field } : {}) };
}

// ── a client over a fake transport (axios adapter): every HTTP call is recorded ──────────────────

function fakeClient() {
  const calls: string[] = [];
  const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
    const url = String(config.url);
    calls.push(url);
    const far = Date.UTC(2030, 0, 1);
    const body = url.endsWith("/api/getAppToken.do")
      ? { data: { app_token: "app", success: true, expire_time: far, error_code: "0" }, state: "success" }
      : url.endsWith("/api/login.do")
        ? {
            data: { access_token: "acc", success: true, expire_time: far, error_code: "0" },
            state: "success",
          }
        : { errorCode: "0", success: true, message: "", data: { serialNo: "S-1", status: "审核成功" } };
    return { data: JSON.stringify(body), status: 200, statusText: "OK", headers: {}, config };
  };
  const client = createGatewayClient({
    baseUrl: "http://cloud.test/tenant",
    appId: "app-id",
    appSecret: "app-secret",
    accountId: "1742050739649250304",
    user: "13800000000",
    userType: "Mobile",
    businessSystemCode: "EXCEL_RED",
    encoding: "base64",
    timeoutMs: 1000,
    retries: 0,
    now: () => Date.UTC(2024, 5, 1),
    axiosInstance: axios.create({ adapter }),
  });
  return { client, calls };
}

const infoFormRequest = (line: Partial<P.RedInfoFormLine> = {}): P.RedInfoFormApplyRequest => ({
  serialNo: "HXX-20240601-0001",
  sellerTaxpayerId: "91440300MA5TEST02Y",
  applyType: "seller",
  originalInvoiceCode: "4400231130",
  originalInvoiceNumber: "12345678",
  invoiceType: "004",
  buyerName: "深圳市测试购方有限公司",
  buyerTaxpayerId: "91440300MA5BUYER1X",
  invoiceDetail: [
    {
      goodsName: "办公用品",
      revenueCode: "1060512990000000000",
      amount: new Dec("-1000.00"),
      taxRate: "0.13",
      taxAmount: new Dec("-130.00"),
      ...line,
    },
  ],
});

describe("one wire schema per interface", () => {
  it("types every client request from its schema (checked by tsc)", () => {
    expect(Object.values(typeChecks).every((v) => v === true)).toBe(true);
  });

  it("has a schema for every interface the client knows, under its interfaceCode", () => {
    for (const id of INTERFACE_IDS)
      expect(WIRE_SCHEMAS[INTERFACES[id].interfaceCode.trim()]).toBe(WIRE_SCHEMAS_BY_ID[id]);
    for (const ext of Object.values(EXTENSIONS)) expect(WIRE_SCHEMAS[ext.interfaceCode]).toBeDefined();
  });

  it("every sandbox handler validates with WIRE_SCHEMAS[interfaceCode] itself, and every schema has a handler", () => {
    const registry = createSandboxRegistry();
    const codes = registry.codes();
    expect(codes).toHaveLength(26);
    for (const code of codes) {
      expect({ code, same: registry.get(code)?.dataSchema === WIRE_SCHEMAS[code] }).toEqual({
        code,
        same: true,
      });
    }
    const unhandled = Object.keys(WIRE_SCHEMAS).filter((code) => !registry.get(code));
    expect(unhandled).toEqual(Object.keys(CLIENT_ONLY_SCHEMAS));
  });
});

describe("the client's pre-send check", () => {
  it("refuses an 18-digit 税收分类编码 without any HTTP call, naming the field", async () => {
    const { client, calls } = fakeClient();
    const r = await client.applyRedInfoForm(infoFormRequest({ revenueCode: "106051299000000000" }));
    expect(r).toEqual({
      ok: false,
      attempts: 0,
      refusal: {
        code: "GW_VALIDATION",
        message: "请求数据不合法：字段 data.invoiceDetail[0].revenueCode 格式不正确",
        params: { detail: "字段 data.invoiceDetail[0].revenueCode 格式不正确" },
        field: "invoiceDetail[0].revenueCode",
      },
    });
    expect(calls).toEqual([]);
  });

  it.each([
    ["a Dec", new Dec("1000.005")],
    ["a JsonDecimal", new JsonDecimal("1000.005")],
    ["a string", "1000.005"],
  ])("refuses an amount of 1000.005 given as %s, naming the field", async (_kind, amount) => {
    const { client, calls } = fakeClient();
    const r = await client.applyRedInfoForm(infoFormRequest({ amount }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal).toMatchObject({
      code: "GW_VALIDATION",
      message: "请求数据不合法：字段 data.invoiceDetail[0].amount 的类型或格式不正确",
      field: "invoiceDetail[0].amount",
    });
    expect(calls).toEqual([]);
  });

  it("sends a valid request (amounts such as 1000.01, which a float multipleOf would refuse)", async () => {
    const { client, calls } = fakeClient();
    const r = await client.applyRedInfoForm(
      infoFormRequest({ amount: new JsonDecimal("-1000.01"), taxAmount: new Dec("-130.00") })
    );
    expect(r).toMatchObject({ ok: true, data: { serialNo: "S-1", status: "审核成功" } });
    expect(calls).toEqual([
      "http://cloud.test/tenant/api/getAppToken.do",
      "http://cloud.test/tenant/api/login.do",
      "http://cloud.test/tenant/kapi/app/sim/openApi",
    ]);
  });

  it("refuses a 2.1.04 line that names no blue line, and a missing required field", async () => {
    const { client, calls } = fakeClient();
    const base: P.RedFlushDigitalRequest = {
      serialNo: "HC-RED-1",
      invoiceNum: "24330000000012345678",
      redReason: "01",
      invoiceType: "01",
      sellerTaxpayerId: "91330100MA2TEST01X",
    };
    const noSeq = await client.redFlushDigital({
      ...base,
      invoiceDetail: [{ amount: new Dec("-50") } as P.RedFlushLine],
    });
    expect(noSeq.ok || noSeq.refusal).toMatchObject({
      message: "请求数据不合法：字段 data.invoiceDetail[0] 的类型或格式不正确",
      field: "invoiceDetail[0]",
    });
    const badInside = await client.redFlushDigital({
      ...base,
      invoiceDetail: [{ originalSeq: 0, amount: new JsonDecimal("-50.001") }],
    });
    expect(badInside.ok || badInside.refusal).toMatchObject({ field: "invoiceDetail[0].amount" });
    const { invoiceType: _omitted, ...noType } = base;
    const missing = await client.redFlushDigital(noType as P.RedFlushDigitalRequest);
    expect(missing.ok || missing.refusal).toMatchObject({
      message: "请求数据不合法：缺少必填字段 data.invoiceType",
      field: "invoiceType",
    });
    expect(calls).toEqual([]);
  });
});

describe("the pre-send check on HC.* extensions (call with the extension's spec)", () => {
  it("refuses a request the sandbox would refuse, and sends a valid one", async () => {
    const { client, calls } = fakeClient();
    const bad = await client.call(EXTENSIONS.redInfoFormRevoke, { taxNo: "91440300MA5TEST02Y" });
    expect(bad.ok || bad.refusal).toMatchObject({
      code: "GW_VALIDATION",
      message: "请求数据不合法：字段 data 的类型或格式不正确",
    });
    expect(bad.ok || bad.refusal.field).toBeUndefined();
    const tooMany = await client.call(EXTENSIONS.blueInvoiceQuery, { pageNo: new JsonDecimal("1.5") });
    expect(tooMany.ok || tooMany.refusal).toMatchObject({ field: "pageNo" });
    expect(calls).toEqual([]);
    const good = await client.call(EXTENSIONS.redInfoFormRevoke, {
      taxNo: "91440300MA5TEST02Y",
      formNo: "4403",
    });
    expect(good.ok).toBe(true);
    expect(calls).toHaveLength(3);
  });
});

describe("the client and the sandbox's ajv give the same verdict", () => {
  const line = (l: Record<string, unknown>) => ({
    goodsName: "办公用品",
    revenueCode: "1060512990000000000",
    amount: -1000,
    taxRate: "0.13",
    taxAmount: -130,
    ...l,
  });
  const form = (l: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
    serialNo: "S-1",
    sellerTaxpayerId: "91440300MA5TEST02Y",
    applyType: "seller",
    invoiceType: "004",
    buyerName: "买方",
    buyerTaxpayerId: "91440300MA5BUYER1X",
    invoiceDetail: [line(l)],
    ...top,
  });
  // Each as JSON text, so numbers are exactly what the wire carries.
  /** [interface, case, JSON, the field refused ("" = accepted; "-" = refused at the top)]. */
  const cases: ReadonlyArray<readonly [string, string, string, string]> = [
    ["2.2.04", "valid", JSON.stringify(form()), ""],
    ["2.2.04", "amount 1000.01", JSON.stringify(form()).replace('"amount":-1000', '"amount":1000.01'), ""],
    ["2.2.04", "amount 0.29", JSON.stringify(form()).replace('"amount":-1000', '"amount":0.29'), ""],
    [
      "2.2.04",
      "amount 1000.005",
      JSON.stringify(form()).replace('"amount":-1000', '"amount":1000.005'),
      "invoiceDetail[0].amount",
    ],
    [
      "2.2.04",
      "amount too large",
      JSON.stringify(form()).replace('"amount":-1000', '"amount":1000000000000'),
      "invoiceDetail[0].amount",
    ],
    [
      "2.2.04",
      "amount as text 12.345",
      JSON.stringify(form({ amount: "12.345" })),
      "invoiceDetail[0].amount",
    ],
    [
      "2.2.04",
      "18-digit revenueCode",
      JSON.stringify(form({ revenueCode: "106051299000000000" })),
      "invoiceDetail[0].revenueCode",
    ],
    ["2.2.04", "rate 1.5", JSON.stringify(form({ taxRate: 1.5 })), "invoiceDetail[0].taxRate"],
    ["2.2.04", "rate text 0.13000", JSON.stringify(form({ taxRate: "0.13000" })), "invoiceDetail[0].taxRate"],
    ["2.2.04", "bad invoiceType", JSON.stringify(form({}, { invoiceType: "007" })), "invoiceType"],
    ["2.2.04", "no lines", JSON.stringify(form({}, { invoiceDetail: [] })), "invoiceDetail"],
    ["2.2.04", "missing buyerName", JSON.stringify(form({}, { buyerName: undefined })), "buyerName"],
    [
      "2.2.04",
      "goodsName too long",
      JSON.stringify(form({ goodsName: "货".repeat(101) })),
      "invoiceDetail[0].goodsName",
    ],
    [
      "2.2.04",
      "100 code points incl. a supplementary one",
      JSON.stringify(form({ goodsName: "𠀀" + "货".repeat(99) })),
      "",
    ],
    [
      "2.2.04",
      "22-digit revenueCode",
      JSON.stringify(form({ revenueCode: "1".repeat(22) })),
      "invoiceDetail[0].revenueCode",
    ],
    [
      "2.1.04",
      "line without seq",
      JSON.stringify({
        serialNo: "S",
        invoiceNum: "1",
        redReason: "01",
        invoiceType: "01",
        sellerTaxpayerId: "T",
        invoiceDetail: [{ amount: -1 }],
      }),
      "invoiceDetail[0]",
    ],
    [
      "2.1.04",
      "seq as text",
      JSON.stringify({
        serialNo: "S",
        invoiceNum: "1",
        redReason: "01",
        invoiceType: "01",
        sellerTaxpayerId: "T",
        invoiceDetail: [{ originaldetailRowNo: "1", quantity: -0.5 }],
      }),
      "",
    ],
    [
      "2.1.04",
      "reason 5",
      JSON.stringify({
        serialNo: "S",
        invoiceNum: "1",
        redReason: "5",
        invoiceType: "01",
        sellerTaxpayerId: "T",
      }),
      "redReason",
    ],
    [
      "2.2.02",
      "neither code+number nor form",
      JSON.stringify([{ serialNo: "S", sellerTaxpayerId: "T", originalInvoiceCode: "4400231130" }]),
      "[0]",
    ],
    [
      "2.2.02",
      "by form number",
      JSON.stringify([{ serialNo: "S", sellerTaxpayerId: "T", redInfoBillNo: "4403000000000001" }]),
      "",
    ],
    ["4.03", "page 0", JSON.stringify({ taxNo: "T", taskNo: "K", pageNo: 0 }), "pageNo"],
    ["4.03", "page 1.5", JSON.stringify({ taxNo: "T", taskNo: "K", pageNo: 1.5 }), "pageNo"],
    ["4.1.04", "neither key", JSON.stringify({ sellerTaxpayerId: "T" }), "-"],
    // Issue 11 D10: free text without control characters, direction overrides or unpaired surrogates.
    ...(["\u0000", "\u202E", "\uD800", "\u001B", "\u200F"] as const).map(
      (ch) =>
        [
          "2.1.04",
          `sellerName with U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
          JSON.stringify({
            serialNo: "S",
            invoiceNum: "1",
            redReason: "1",
            invoiceType: "01",
            sellerTaxpayerId: "T",
            sellerName: `浙江${ch}红冲`,
          }),
          "sellerName",
        ] as [string, string, string, string]
    ),
    [
      "2.1.04",
      "sellerName with a line break and an emoji (text)",
      JSON.stringify({
        serialNo: "S",
        invoiceNum: "1",
        redReason: "1",
        invoiceType: "01",
        sellerTaxpayerId: "T",
        sellerName: "浙江\n📦",
      }),
      "",
    ],
  ];

  it.each(cases)("%s %s", (id, _label, text, field) => {
    const schema = WIRE_SCHEMAS_BY_ID[id as keyof typeof WIRE_SCHEMAS_BY_ID];
    const typed: unknown = JSON.parse(text);
    // The client gets Dec/JsonDecimal values; here the JSON numbers are re-sent as JsonDecimal text.
    const asClient = JSON.parse(
      text.replace(/(?<=[:[,])(-?\d+(?:\.\d+)?)(?=[,\]}])/g, '{"__n":"$1"}'),
      (_k, v: unknown) =>
        v && typeof v === "object" && "__n" in (v as Record<string, unknown>)
          ? new JsonDecimal((v as { __n: string }).__n)
          : v
    ) as unknown;
    const server = serverVerdict(schema, typed);
    expect(checkWireData(schema, asClient)).toEqual(server);
    expect(server.ok ? "" : (server.field ?? "-")).toBe(field);
  });
});
