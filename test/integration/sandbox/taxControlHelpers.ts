/**
 * Helpers for the 税控 / 红字信息表 / 进项归集 sandbox tests: the REAL gateway client (src/gateway) per
 * seeded enterprise against a test server on loopback, and small database readers for assertions.
 */
import { type GatewayClient, createGatewayClient } from "../../../src/gateway/client";
import { EXTENSIONS } from "../../../src/gateway/extensions";
import type { SandboxAccount } from "../../../src/server/sandbox/seed";
import { type TestServer, account } from "../server/helpers";

export type OrgKey = "seller" | "buyer" | "taxctl" | "small" | "leqi";

/**
 * The real client for a seeded enterprise. Its clock is the server's wall clock (tokens expire by it,
 * not by the story clock), so a token is reused until it really expires; `baseUrl` points it
 * elsewhere (a relay).
 */
export function clientFor(
  server: TestServer,
  key: OrgKey | SandboxAccount,
  baseUrl?: string,
  /** false: no detail header — the client exactly as it runs against the real cloud. */
  askForDetail = true
): GatewayClient {
  const a = typeof key === "string" ? account(server, key) : key;
  return createGatewayClient({
    baseUrl: baseUrl ?? server.url,
    appId: a.appId,
    appSecret: a.appSecret,
    accountId: a.accountId,
    user: a.user,
    userType: "UserName",
    businessSystemCode: "EXCEL_RED",
    encoding: a.dataEncoding === "aes" ? "aes" : "base64",
    ...(a.aesPassword ? { aesPassword: a.aesPassword } : {}),
    timeoutMs: 20_000,
    retries: 0,
    now: () => server.wallClock.now(),
    askForDetail,
  });
}

export const ext = EXTENSIONS;

/** A successful call's decoded value, or a failure with the refusal (for readable assertions). */
export function valueOf<T = any>(r: {
  ok: boolean;
  data?: unknown;
  refusal?: { code: string; message: string };
}): T {
  if (!r.ok) throw new Error(`call refused: ${r.refusal?.code} ${r.refusal?.message}`);
  const d = r.data as { value?: unknown } | undefined;
  return (d && typeof d === "object" && "value" in d ? d.value : d) as T;
}

export async function countRows(
  server: TestServer,
  table:
    | "tasks"
    | "info_forms"
    | "red_invoices"
    | "input_pool"
    | "idempotency"
    | "bureau_info_forms"
    | "callbacks"
    | "audit",
  where?: { column: string; value: string | number }
): Promise<number> {
  let q = server.db.db.selectFrom(table as "tasks").select((eb) => eb.fn.countAll<number>().as("n"));
  if (where) q = q.where(where.column as "id", "=", where.value as number);
  const r = await q.executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function blueByNo(server: TestServer, code: string, no: string) {
  return server.db.db
    .selectFrom("blue_invoices")
    .selectAll()
    .where("invoice_code", "=", code)
    .where("invoice_no", "=", no)
    .executeTakeFirstOrThrow();
}

export async function infoFormBySerial(server: TestServer, orgTaxId: string, serialNo: string) {
  return server.db.db
    .selectFrom("info_forms")
    .innerJoin("orgs", "orgs.id", "info_forms.org_id")
    .selectAll("info_forms")
    .where("orgs.tax_id", "=", orgTaxId)
    .where("info_forms.serial_no", "=", serialNo)
    .executeTakeFirst();
}

/** The seeded 税控 invoices (seed.ts). */
export const TAXCTL_BLUES = {
  eSpecial: { code: "032002300111", no: "10000001", amount: "50000.00", tax: "6500.00" },
  paperSpecial: {
    code: "3200231130",
    no: "20000001",
    amount: "8888.88",
    tax: "1155.55",
    date: "2025-06-06 10:00:00",
  },
  eOrdinaryPending: { code: "032002300211", no: "30000001", amount: "1234.50" },
  paperOrdinary: { code: "3200231320", no: "40000001", amount: "560.00", tax: "72.80" },
  eSpecialPartial: { code: "032002300111", no: "10000002", remaining: "3000.00", remainingTax: "390.00" },
} as const;
