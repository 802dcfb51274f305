/**
 * Shared set-up for the 红字确认单 sandbox tests: the REAL gateway client (src/gateway) per seeded
 * enterprise against a test server on loopback, the seeded invoice numbers, and small readers.
 */
import { Dec } from "../../../src/domain/money";
import { type GatewayClient, createGatewayClient } from "../../../src/gateway/client";
import type { InterfaceSpec } from "../../../src/gateway/interfaces";
import { JsonDecimal } from "../../../src/gateway/json";
import { digitalInvoiceNo } from "../../../src/server/sandbox/seed";
import type { SandboxAccount } from "../../../src/server/sandbox/seed";
import { type TestServer, account } from "../server/helpers";

export type OrgKey = "seller" | "buyer" | "taxctl" | "small" | "leqi";

export function clientFor(server: TestServer, key: OrgKey, businessSystemCode = "EXCEL_RED"): GatewayClient {
  const a: SandboxAccount = account(server, key);
  return createGatewayClient({
    baseUrl: server.url,
    appId: a.appId,
    appSecret: a.appSecret,
    accountId: a.accountId,
    user: a.user,
    userType: "UserName",
    businessSystemCode,
    encoding: a.dataEncoding === "aes" ? "aes" : "base64",
    ...(a.aesPassword ? { aesPassword: a.aesPassword } : {}),
    timeoutMs: 20_000,
    retries: 0,
    // Tokens expire on the server's (settable) clock: the client must read the same clock.
    now: () => server.wallClock.now(),
  });
}

/** Seeded 红字确认单 demo invoices (seedConfirmForms.ts), seller → buyer, all 数电专票. */
export const SEEDED = {
  invoiced01: digitalInvoiceNo("25", "33", 101),
  awaitingBuyer02: digitalInvoiceNo("25", "33", 102),
  awaitingSeller03: digitalInvoiceNo("25", "33", 103),
  confirmed04: digitalInvoiceNo("25", "33", 104),
  expired07: digitalInvoiceNo("25", "33", 105),
  revoked08: digitalInvoiceNo("25", "33", 106),
  expiringSoon02: digitalInvoiceNo("25", "33", 107),
  linkedDraft: digitalInvoiceNo("25", "33", 108),
  spareTwoLines: digitalInvoiceNo("25", "33", 109),
  spare110: digitalInvoiceNo("25", "33", 110),
  spare111: digitalInvoiceNo("25", "33", 111),
  spare112: digitalInvoiceNo("25", "33", 112),
  spare113: digitalInvoiceNo("25", "33", 113),
  spare114: digitalInvoiceNo("25", "33", 114),
} as const;

/** The value of a successful call, or a failed expectation that shows the refusal. */
export function value<T>(
  r: { ok: true; data: T } | { ok: false; refusal: { code: string; message: string } }
): T {
  if (!r.ok) throw new Error(`expected success, got ${r.refusal.code}: ${r.refusal.message}`);
  return r.data;
}

/** An extension (HC.*) call's decoded value. */
export async function ext<T = any>(client: GatewayClient, spec: InterfaceSpec, data: unknown): Promise<T> {
  const r = await client.call(spec, data);
  if (!r.ok) throw new Error(`${spec.interfaceCode} refused: ${r.refusal.code} ${r.refusal.message}`);
  return r.data.value as T;
}

/** A 数电 blue invoice issued through 2.1.01 (the buyer made no usage confirmation). */
export async function issueBlue(
  client: GatewayClient,
  server: TestServer,
  serialNo: string,
  lines: ReadonlyArray<{ amount: string; rate: string; qty?: string; goods?: string }> = [
    { amount: "1000.00", rate: "0.13", qty: "10" },
  ],
  from: OrgKey = "seller"
): Promise<string> {
  const seller = account(server, from);
  const buyer = account(server, "buyer");
  const r = await client.openBlueInvoice({
    serialNo,
    invoiceType: "01",
    sellerName: seller.name,
    sellerTaxpayerId: seller.taxId,
    buyerName: buyer.name,
    buyerTaxpayerId: buyer.taxId,
    invoiceDetail: lines.map((l, i) => {
      const amount = new Dec(l.amount);
      return {
        lineProperty: "0" as const,
        goodsName: l.goods ?? `测试商品${i + 1}`,
        revenueCode: "1060512990000000000",
        amount: JsonDecimal.amount(amount),
        taxRate: l.rate,
        taxAmount: JsonDecimal.amount(amount.mul(l.rate).toDecimalPlaces(2, Dec.ROUND_HALF_UP)),
        ...(l.qty
          ? { quantity: new JsonDecimal(l.qty), price: new JsonDecimal(amount.div(l.qty).toFixed()) }
          : {}),
      };
    }),
  });
  value(r);
  const q = value(await client.queryInvoice({ serialNo, sellerTaxpayerId: seller.taxId }));
  return q.invoiceNum as string;
}
