/**
 * Issue 11 deliverable 7: a fuzz test of the request path. fast-check builds bodies from the protocol's
 * own vocabulary — every served interfaceCode, the keys of its wire schema (and of its line items),
 * values of the wrong type, hostile text (NUL, U+202E, unpaired surrogates, injection strings),
 * out-of-range numbers (1e21 …), every `data` encoding (base64, raw JSON, garbage, AES-looking text),
 * missing or forged tokens, wrong charsets and bytes that are not UTF-8 — and checks for each request:
 * - the answer is the protocol envelope (JSON with success / errorCode / message), never HTTP 500;
 * - a refusal changes no row of any table (the idempotency registry and the audit log included).
 */
import fc from "fast-check";
import { SEED_ORGS, createSandboxRegistry, seedTaxId } from "../../../src/server/sandbox";
import { type TestServer, accessToken, account, startTestServer } from "./helpers";
import { rowCounts } from "./rowCounts";

jest.setTimeout(180_000);

let server: TestServer;
let token: string;
/** The seeded enterprises' tax IDs: values that get past the organisation check now and then. */
const taxIds = SEED_ORGS.map((o) => seedTaxId(o.taxIdBody));
beforeAll(async () => {
  server = await startTestServer();
  token = await accessToken(server, account(server, "seller"));
});
afterAll(async () => {
  await server.close();
});

const registry = createSandboxRegistry();
const CODES = registry.codes();

/** Property names of a JSON schema object (and of the items of its array properties), one level down. */
function schemaKeys(schema: unknown): { top: string[]; line: string[] } {
  const props = (s: unknown): Record<string, unknown> =>
    ((s as { properties?: Record<string, unknown> })?.properties ?? {}) as Record<string, unknown>;
  const top = props(schema);
  const line = Object.values(top).flatMap((p) => {
    const items = (p as { items?: unknown }).items;
    return items ? Object.keys(props(items)) : [];
  });
  return { top: Object.keys(top), line: [...new Set(line)] };
}

const hostileText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "办公\u202E品用",
    "\uD800",
    "\uDC00x",
    "1e21",
    "-0",
    "NaN",
    "Infinity",
    "９９９．９９",
    "0.001",
    "999999999999999.99",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "'); DROP TABLE blue_invoices; --",
    "../../etc/passwd",
    "${jndi:ldap://x}",
    "%00",
    "A".repeat(300),
    "2025-13-45",
    "2025-02-30 25:61:61"
  )
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e21, -1e21, 1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, -0, 0.125, 100.005)
);
const leaf = (): fc.Arbitrary<unknown> =>
  fc.oneof(hostileText, hostileNumber, fc.boolean(), fc.constant(null), fc.constantFrom(...taxIds));
const shallow = fc.oneof(
  leaf(),
  fc.array(leaf(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), leaf(), { maxKeys: 3 })
);

/** A plausible value for a field, by its name: lets a probe get past the schema into the handler. */
function plausible(key: string): fc.Arbitrary<unknown> {
  const k = key.toLowerCase();
  if (/taxpayerid|taxno|taxid/.test(k)) return fc.constantFrom(...taxIds);
  if (/serial|orderno|uuid|billno/.test(k)) return fc.stringMatching(/^[A-Z0-9]{6,20}$/);
  if (/amount|price|deduction/.test(k))
    return fc.constantFrom("100.00", "-100.00", "0.01", "13.00", "-13.00", 100, "1e21");
  if (/rate/.test(k)) return fc.constantFrom("0.13", "0.06", "0.03", "0", 0.13);
  if (/quantity/.test(k)) return fc.constantFrom("1", "-1", "2.5", 3);
  if (/date|time/.test(k)) return fc.constantFrom("2025-10-10", "2025-10-10 10:00:00", "2025-09-01");
  if (/type|property|reason|identity|flag|status|seq|no$|num/.test(k))
    return fc.constantFrom("0", "1", "01", "02", "03", "2", "1");
  if (/page/.test(k)) return fc.constantFrom(0, 1, 2, 100, "1");
  if (/revenuecode|goodscode/.test(k)) return fc.constant("1060512990000000000");
  return fc.constantFrom("办公用品", "浙江红冲数电科技有限公司", "广东蓝海采购有限公司", "张三", "EXCEL_RED");
}
const valueFor = (key: string) =>
  fc.oneof({ weight: 3, arbitrary: plausible(key) }, { weight: 1, arbitrary: shallow });
/** An object over some of `keys`, each value plausible or hostile. */
const objectOver = (keys: readonly string[], max: number) =>
  fc
    .subarray([...keys], { maxLength: max })
    .chain((ks) => fc.tuple(...ks.map((k) => valueFor(k).map((v) => [k, v] as const))))
    .map((entries) => Object.fromEntries(entries));

/** `data` for one interface: a random subset of its schema's keys with hostile values, lines included. */
function dataFor(code: string): fc.Arbitrary<unknown> {
  const { top, line } = schemaKeys(registry.get(code)?.dataSchema);
  const lineObject = line.length > 0 ? objectOver(line, line.length) : fc.constant({});
  const object =
    top.length > 0
      ? fc
          .tuple(objectOver(top, top.length), fc.array(lineObject, { maxLength: 3 }), fc.boolean())
          .map(([o, lines, withLines]) => (withLines ? { ...o, invoiceDetail: lines } : o))
      : fc.dictionary(fc.string({ maxLength: 5 }), shallow, { maxKeys: 3 });
  return fc.oneof(
    { weight: 4, arbitrary: object },
    { weight: 1, arbitrary: fc.array(object, { maxLength: 3 }) },
    { weight: 1, arbitrary: shallow }
  );
}

type Encoding = "base64" | "raw" | "garbage" | "aesLike" | "number" | "absent";

interface Probe {
  readonly path: string;
  readonly token: "valid" | "missing" | "forged";
  readonly contentType: string;
  readonly envelope: Record<string, unknown>;
  readonly encoding: Encoding;
  readonly data: unknown;
  /** Replace the body with these bytes (not UTF-8, truncated JSON …). */
  readonly rawBody?: Uint8Array;
}

const probe: fc.Arbitrary<Probe> = fc
  .constantFrom(...CODES, " ALLE.INVOICE.OPEN", "ALLE.NOPE", "")
  .chain((code) =>
    fc.record({
      path: fc.oneof(
        {
          weight: 8,
          arbitrary: fc.constant(
            registry.get(code)?.endpoint === "rim" ? "/kapi/app/rim/deduction" : "/kapi/app/sim/openApi"
          ),
        },
        { weight: 1, arbitrary: fc.constantFrom("/kapi/app/sim/openApi", "/kapi/app/rim/deduction") }
      ),
      token: fc.oneof(
        { weight: 10, arbitrary: fc.constant("valid" as const) },
        { weight: 1, arbitrary: fc.constantFrom("missing" as const, "forged" as const) }
      ),
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom("application/json", "application/json;charset=UTF-8") },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            "application/json; charset=gbk",
            "text/plain",
            'application/json; charset="latin1"'
          ),
        }
      ),
      envelope: fc.record(
        {
          requestId: fc.oneof(
            { weight: 10, arbitrary: fc.constant("1717212345678123") },
            { weight: 1, arbitrary: fc.oneof(hostileText, hostileNumber, fc.constant(undefined)) }
          ),
          businessSystemCode: fc.oneof(
            { weight: 10, arbitrary: fc.constant("EXCEL_RED") },
            { weight: 1, arbitrary: fc.oneof(hostileText, fc.constant(undefined)) }
          ),
          interfaceCode: fc.oneof(
            { weight: 12, arbitrary: fc.constant(code) },
            { weight: 1, arbitrary: leaf() }
          ),
        },
        { requiredKeys: ["requestId", "businessSystemCode", "interfaceCode"] } // undefined = left out
      ),
      encoding: fc.oneof(
        { weight: 10, arbitrary: fc.constant<Encoding>("base64") },
        { weight: 2, arbitrary: fc.constant<Encoding>("raw") },
        { weight: 1, arbitrary: fc.constantFrom<Encoding>("garbage", "aesLike", "number", "absent") }
      ),
      data: dataFor(code.trim() || "ALLE.INVOICE.OPEN"),
      rawBody: fc.oneof(
        { weight: 12, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: fc.oneof(
            fc.uint8Array({ maxLength: 40 }),
            fc.constant(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xba, 0xec, 0x22, 0x7d])), // {"a":"<GBK 红>"}
            fc.constant(new TextEncoder().encode('{"requestId":"1","interfaceCode":')) // truncated
          ),
        }
      ),
    })
  );

function wireData(p: Probe): unknown {
  switch (p.encoding) {
    case "base64": // as any client would: JSON.stringify (floats and all), UTF-8, base64
      return Buffer.from(JSON.stringify(p.data) ?? "null", "utf8").toString("base64");
    case "raw":
      return p.data;
    case "garbage":
      return "%%%not-base64%%%";
    case "aesLike":
      return "AAAAAAAAAAAAAAAAAAAAAA==";
    case "number":
      return 12345;
    case "absent":
      return undefined;
  }
}

test("every hostile request gets an envelope, never a 500, and a refusal writes nothing", async () => {
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(probe, async (p) => {
      const data = wireData(p);
      const body =
        (p.rawBody ? Buffer.from(p.rawBody) : undefined) ??
        JSON.stringify({ ...p.envelope, ...(data === undefined ? {} : { data }) });
      const query =
        p.token === "valid"
          ? `?access_token=${token}`
          : p.token === "forged"
            ? `?access_token=${token.slice(0, -4)}AAAA`
            : "";
      const before = await rowCounts(server.db);
      const res = await fetch(`${server.url}${p.path}${query}`, {
        method: "POST",
        headers: { "content-type": p.contentType, "x-hongchong-detail": "1" },
        body: body as unknown as string,
      });
      const text = await res.text();
      expect(res.status).not.toBe(500);
      const env = JSON.parse(text) as {
        success: unknown;
        errorCode: unknown;
        message: unknown;
        refusalCode?: string;
      };
      expect(typeof env.errorCode).toBe("string");
      expect(typeof env.message).toBe("string");
      expect(env.message).not.toMatch(/\n\s+at |TypeError|RangeError|undefined/);
      const ok = env.success === true || env.success === "true";
      seen.set(
        ok ? "success" : (env.refusalCode ?? String(env.errorCode)),
        (seen.get(ok ? "success" : (env.refusalCode ?? "?")) ?? 0) + 1
      );
      if (!ok) expect(await rowCounts(server.db)).toEqual(before);
    }),
    {
      numRuns: Number(process.env.HC_FUZZ_RUNS ?? 600),
      seed: process.env.HC_FUZZ_SEED ? Number(process.env.HC_FUZZ_SEED) : undefined,
    }
  );
  if (process.env.HC_FUZZ_REPORT)
    console.log(JSON.stringify([...seen.entries()].sort((a, b) => b[1] - a[1])));
  // The fuzz reached past the envelope into the interfaces' own checks, not only the front door.
  expect([...seen.keys()]).toEqual(
    expect.arrayContaining(["GW_VALIDATION", "GW_BAD_JSON", "GW_UNSUPPORTED_CHARSET"])
  );
});
