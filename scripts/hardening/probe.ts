// Issue 11 probes against a running `hongchong serve` (scripts/hardening/run.sh starts one and calls this):
//   npx tsx scripts/hardening/probe.ts BASE_URL ACCOUNTS_JSON DATA_DIR
import fs from "fs";
import path from "path";

interface Account {
  appId: string;
  appSecret: string;
  accountId: string;
  user: string;
  taxId: string;
}
interface Answer {
  status: number;
  body: any;
}

const [base, accountsFile, dataDir] = process.argv.slice(2);
const listing = JSON.parse(fs.readFileSync(accountsFile, "utf8"));
const seller = listing.accounts.find((a: Account) => a.appId === "hcsbx_seller") as Account;
const buyer = listing.accounts.find((a: Account) => a.appId === "hcsbx_buyer") as Account;
const adminKey: string | undefined = listing.adminKey;
const out: string[] = [];
const row = (probe: string, result: string) => out.push(`${probe}\t${result}`);

async function j(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}
const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
  j(`${base}${p}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hongchong-detail": "1", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const short = (r: Answer) =>
  `HTTP ${r.status} ${r.body?.success === true || r.body?.success === "true" ? "ok" : (r.body?.refusalCode ?? r.body?.errorCode ?? "")}`;

async function login(a: Account): Promise<string> {
  const t = await post("/api/getAppToken.do", {
    appId: a.appId,
    appSecret: a.appSecret,
    accountId: a.accountId,
  });
  const l = await post("/api/login.do", {
    user: a.user,
    apptoken: t.body.data.app_token,
    accountId: a.accountId,
    usertype: "UserName",
  });
  return l.body.data.access_token;
}
async function main(): Promise<void> {
  const token = await login(seller);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o), "utf8").toString("base64");
  const api = (
    code: string,
    data: unknown,
    extraHeaders: Record<string, string> = {},
    contentType = "application/json"
  ) =>
    j(`${base}/kapi/app/sim/openApi?access_token=${token}`, {
      method: "POST",
      headers: { "content-type": contentType, "x-hongchong-detail": "1", ...extraHeaders },
      body: JSON.stringify({
        requestId: "1",
        businessSystemCode: "EXCEL_RED",
        interfaceCode: code,
        data: b64(data),
      }),
    });
  const blue = (serialNo: string, over: Record<string, unknown> = {}) => ({
    serialNo,
    invoiceType: "02",
    sellerName: "浙江红冲数电科技有限公司",
    sellerTaxpayerId: seller.taxId,
    buyerName: "广东蓝海采购有限公司",
    buyerTaxpayerId: buyer.taxId,
    drawer: "张三",
    invoiceDetail: [
      {
        lineProperty: "0",
        goodsName: "办公用品",
        revenueCode: "1060512990000000000",
        amount: "100.00",
        taxRate: "0.13",
        taxAmount: "13.00",
      },
    ],
    ...over,
  });

  // D1
  const clock0 = await j(`${base}/sandbox/clock`);
  row("D1 anonymous GET /sandbox/clock", short(clock0));
  const r1 = await post("/sandbox/clock", { set: 9007199254740991 });
  const h1 = await j(`${base}/health`);
  const l1 = await post("/api/getAppToken.do", {
    appId: seller.appId,
    appSecret: seller.appSecret,
    accountId: seller.accountId,
  });
  row(
    "D1 anonymous POST /sandbox/clock {set: 2^53-1}",
    `${short(r1)}; then /health HTTP ${h1.status}, 1.01 HTTP ${l1.status}`
  );
  if (r1.body?.success) {
    // restore what we can (main): set back to a sane instant
    await post("/sandbox/clock", { set: "2025-10-10 10:00:00" });
  }
  const r0 = await post("/sandbox/clock", { set: 0 });
  row("D1 anonymous POST /sandbox/clock {set: 0}", short(r0));
  await post("/sandbox/clock", { set: "2025-10-10 10:00:00" });
  const r72 = await post("/sandbox/clock", { advanceMs: 262800000 });
  row("D1 anonymous POST /sandbox/clock {advanceMs: 73 h}", short(r72));
  if (adminKey) {
    const ra = await post(
      "/sandbox/clock",
      { set: 9007199254740991 },
      { authorization: `Bearer ${adminKey}` }
    );
    const ha = await j(`${base}/health`);
    row("D1 admin POST /sandbox/clock {set: 2^53-1}", `${short(ra)}; then /health HTTP ${ha.status}`);
    const rz = await post("/sandbox/clock", { set: 0 }, { authorization: `Bearer ${adminKey}` });
    row("D1 admin POST /sandbox/clock {set: 0}", short(rz));
  }

  // D2 / D14
  const put = (body: unknown, headers: Record<string, string>) =>
    j(`${base}/sandbox/callbacks`, {
      method: "PUT",
      headers: { "content-type": "application/json", "x-hongchong-detail": "1", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  for (const url of [
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:8787/sandbox/clock",
    "http://0x7f000001/hook",
    "http://user:pass@erp.example.com/hook",
    "http://10.0.0.5/hook",
  ]) {
    const r = await put({ businessSystemCode: "PROBE", url }, { access_token: token });
    row(`D2 PUT /sandbox/callbacks ${url}`, short(r));
  }
  const d14 = await put("{not json", {});
  row("D14 PUT /sandbox/callbacks, no token, malformed body", short(d14));
  const d14b = await put({ businessSystemCode: "X" }, { access_token: token });
  row("D14 PUT /sandbox/callbacks, token, no url", `${short(d14b)}: ${d14b.body?.message ?? ""}`);

  // D9
  const gbk = await api("ALLE.INVOICE.OPEN", blue("PROBE-GBK-1"), {}, "application/json; charset=gbk");
  row("D9 body with charset=gbk", short(gbk));
  // D10
  const nul = await api("ALLE.INVOICE.OPEN", blue("PROBE-NUL-1", { remark: "办公\u0000\u202E用品" }));
  row("D10 remark with NUL + U+202E", short(nul));
  // D13
  const name = await api("ALLE.INVOICE.OPEN", blue("PROBE-NAME-1", { sellerName: "别家贸易有限公司" }));
  row("D13 sellerName of another company", short(name));
  // D6
  const big = await api(
    "ALLE.INVOICE.OPEN",
    blue("PROBE-1E21", {
      invoiceDetail: [
        {
          lineProperty: "0",
          goodsName: "办公用品",
          revenueCode: "1060512990000000000",
          amount: 1e21,
          taxRate: "0.13",
          taxAmount: 1.3e20,
        },
      ],
    })
  );
  row("D6 amount 1e21 (JSON number)", short(big));

  // D7
  const file = path.join(dataDir, "hongchong.sqlite");
  const mode = (p: string) => (fs.existsSync(p) ? (fs.statSync(p).mode & 0o777).toString(8) : "absent");
  row("D7 data dir / sqlite file mode", `${mode(dataDir)} / ${mode(file)}`);
  const bytes = Buffer.concat(
    [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f))
  );
  row(
    "D7 seller appSecret in the database file",
    bytes.includes(Buffer.from(seller.appSecret)) ? "present (clear text)" : "absent"
  );
  console.log(out.join("\n"));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
