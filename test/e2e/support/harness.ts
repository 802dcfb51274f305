/**
 * The e2e harness: the production build of the pane (dist/) served on 127.0.0.1 by a tiny Node server
 * that also proxies the gateway paths to the real sandbox gateway started in-process, and Debian's
 * Chromium driven by playwright-core with office.js routed to the npm copy and every other outside
 * request aborted (research notes §4). Each pane gets a fresh browser context whose fake Excel
 * (support/browser/fakeExcelEntry.ts) is injected before the page loads.
 */
import { execFileSync } from "child_process";
import fs from "fs";
import http from "http";
import os from "os";
import path from "path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { SettableClock, startGateway, type RunningGateway } from "../../../src/server";
import { sandboxAccounts, type SandboxAccount } from "../../../src/server/sandbox/seed";
import { fakeExcelBundle } from "./bundle";
import type { SheetDump, WorkbookInit } from "./workbookTypes";

export const ROOT = path.resolve(__dirname, "../../..");
export const DIST = path.join(ROOT, "dist");
export const ARTIFACTS = path.join(ROOT, "test-artifacts", "e2e");
const OFFICE_JS_DIR = path.join(ROOT, "node_modules", "@microsoft", "office-js", "dist");
const OFFICE_CDN = "https://appsforoffice.microsoft.com/lib/1/hosted/";
const GATEWAY_PATHS = ["/api", "/kapi", "/health", "/sandbox"];
/** office.js's own telemetry frame (loaded by office.js outside Office, not by the pane): aborted. */
export const OFFICE_TELEMETRY = /^https:\/\/telemetryservice\.firstpartyapps\.oaspapps\.com\//;

/** 2025-10-10 10:00:00 China time: the gateway clock starts here and runs with real time. */
export const E2E_START = Date.UTC(2025, 9, 10, 2, 0, 0);

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

// ── Chromium ────────────────────────────────────────────────────────────────

/** The Debian `chromium` binary (never downloaded); CHROMIUM_PATH overrides. */
export function chromiumPath(): string | null {
  const p = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  return fs.existsSync(p) ? p : null;
}

/**
 * Chromium or a reason to skip. In CI (CI=true) a missing browser is an error: the tests must fail,
 * not pass silently; locally they print why and do nothing.
 */
export function requireChromium(): string | null {
  const p = chromiumPath();
  if (p) return p;
  const why = `Chromium not found at ${process.env.CHROMIUM_PATH || "/usr/bin/chromium"} (apt-get install chromium)`;
  if (inCi()) throw new Error(`e2e: ${why}`);
  console.warn(`e2e tests not run: ${why}`);
  return null;
}

// ── Build ───────────────────────────────────────────────────────────────────

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

const inCi = (): boolean => process.env.CI === "true" || process.env.CI === "1";

/**
 * Build dist/ with `webpack --mode production` unless it exists and is newer than the sources (CI
 * runs `npm run build` first). A failed rebuild over an existing dist/ is an error in CI; locally
 * (sources being edited) it is reported and the existing build is used.
 */
export function ensureBuilt(): void {
  const built = path.join(DIST, "taskpane.js");
  const html = path.join(DIST, "taskpane.html");
  const exists = fs.existsSync(built) && fs.existsSync(html);
  if (exists) {
    const sources = Math.max(
      ...["taskpane", "src", "functions"].map((d) => newestMtime(path.join(ROOT, d))),
      fs.statSync(path.join(ROOT, "webpack.config.js")).mtimeMs
    );
    if (fs.statSync(built).mtimeMs >= sources) return;
  }
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, "node_modules", ".bin", "webpack"), "--mode", "production"],
      { cwd: ROOT, stdio: "pipe", env: { ...process.env, HONGCHONG_HTTP: "1" }, timeout: 180_000 }
    );
  } catch (e) {
    const out =
      String((e as { stdout?: Buffer }).stdout ?? "") + String((e as { stderr?: Buffer }).stderr ?? "");
    const tail = out
      .split("\n")
      .filter((l) => /ERROR|error/.test(l))
      .slice(0, 10)
      .join("\n");
    if (exists && !inCi() && fs.existsSync(built)) {
      console.warn(`e2e: webpack build failed, using the existing dist/:\n${tail}`);
      return;
    }
    throw new Error(`e2e: webpack --mode production failed:\n${tail || out.slice(-2000)}`);
  }
}

// ── Servers ─────────────────────────────────────────────────────────────────

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".css": "text/css; charset=utf-8",
};

/** dist/ as static files, and /api, /kapi, /health, /sandbox proxied to the gateway (same origin). */
export async function startPaneServer(gatewayUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(gatewayUrl);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (GATEWAY_PATHS.some((p) => url.pathname === p || url.pathname.startsWith(`${p}/`))) {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        }
      );
      upstream.on("error", (e) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`gateway unreachable: ${e.message}`);
      });
      req.pipe(upstream);
      return;
    }
    const rel = decodeURIComponent(url.pathname === "/" ? "/taskpane.html" : url.pathname);
    const file = path.normalize(path.join(DIST, rel));
    if (!file.startsWith(DIST + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ── The environment of a test file ──────────────────────────────────────────

export interface E2E {
  /** The sandbox gateway (its database holds what the workflows did). */
  readonly gateway: RunningGateway;
  /**
   * With `{ relay: true }`: a relay-mode gateway in front of the sandbox — the pane talks to it, it
   * forwards to `gateway` (its own database holds only its audit rows).
   */
  readonly relay?: RunningGateway;
  readonly clock: SettableClock;
  readonly paneUrl: string;
  readonly browser: Browser;
  readonly accounts: readonly SandboxAccount[];
  account(key: "seller" | "buyer" | "taxctl" | "small" | "leqi"): SandboxAccount;
  close(): Promise<void>;
}

export interface E2EOptions {
  /**
   * Put a relay (`hongchong serve --relay`, mode "relay") between the pane and the sandbox: the pane's
   * gateway paths go to the relay, which forwards them to the sandbox. Default false.
   */
  readonly relay?: boolean;
}

export async function startE2E(executablePath: string, opts: E2EOptions = {}): Promise<E2E> {
  ensureBuilt();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hc-e2e-db-"));
  const relayDir = opts.relay ? fs.mkdtempSync(path.join(os.tmpdir(), "hc-e2e-relay-db-")) : null;
  const clock = new SettableClock({ start: E2E_START });
  const gateway = await startGateway({
    port: 0,
    dataDir,
    clock,
    logger: false,
    callbackIntervalMs: 0,
    callbackPolicy: { allowLoopback: true }, // the e2e receivers listen on 127.0.0.1
  });
  let relay: RunningGateway | undefined;
  try {
    if (relayDir)
      relay = await startGateway({
        port: 0,
        mode: "relay",
        dataDir: relayDir,
        relay: { upstreamBaseUrl: gateway.url, timeoutMs: 20_000 },
        logger: false,
        callbackIntervalMs: 0,
      });
  } catch (e) {
    await gateway.close();
    throw e;
  }
  const pane = await startPaneServer((relay ?? gateway).url);
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (e) {
    await pane.close();
    await relay?.close();
    await gateway.close();
    throw e;
  }
  const accounts = await sandboxAccounts(gateway.db.db, gateway.secrets);
  return {
    gateway,
    ...(relay ? { relay } : {}),
    clock,
    paneUrl: pane.url,
    browser,
    accounts,
    account(key) {
      const a = accounts.find((x) => x.appId === `hcsbx_${key}`);
      if (!a) throw new Error(`no sandbox account ${key}`);
      return a;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await pane.close();
      await relay?.close();
      await gateway.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (relayDir) fs.rmSync(relayDir, { recursive: true, force: true });
    },
  };
}

// ── A pane ──────────────────────────────────────────────────────────────────

export interface Pane {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Uncaught exceptions in the page. */
  readonly pageErrors: string[];
  /** console.error messages (failed resource loads appear here too). */
  readonly consoleErrors: string[];
  /** Requests to hosts other than 127.0.0.1 and the office.js CDN (aborted), office.js telemetry excepted. */
  readonly blocked: string[];
  /** Paths of the open-API calls the pane made (/kapi/…), in order. */
  readonly apiCalls: string[];
  close(): Promise<void>;
}

/** A fresh context with the fake workbook `init`, the pane loaded and rendered. */
export async function openPane(env: E2E, init: WorkbookInit): Promise<Pane> {
  const context = await env.browser.newContext({
    viewport: { width: 420, height: 900 },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const blocked: string[] = [];
  const apiCalls: string[] = [];
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    const u = new URL(url);
    if (u.hostname === "127.0.0.1") return route.continue();
    if (url.startsWith(OFFICE_CDN)) {
      const rel = u.pathname.slice("/lib/1/hosted/".length);
      const file = path.normalize(path.join(OFFICE_JS_DIR, rel));
      if (file.startsWith(OFFICE_JS_DIR + path.sep) && fs.existsSync(file)) {
        return route.fulfill({ path: file, contentType: "application/javascript; charset=utf-8" });
      }
    }
    if (!OFFICE_TELEMETRY.test(url)) blocked.push(url);
    return route.abort();
  });
  await context.addInitScript((data: WorkbookInit) => {
    (window as unknown as { __hcInit: WorkbookInit }).__hcInit = data;
  }, init);
  await context.addInitScript({ content: fakeExcelBundle() });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.hostname === "127.0.0.1" && u.pathname.startsWith("/kapi/")) apiCalls.push(u.pathname);
  });
  await page.goto(`${env.paneUrl}/taskpane.html`);
  await page.getByTestId("tab-settings").waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    () => {
      const w = window as unknown as { Office?: { context?: { requirements?: unknown } } };
      return !!w.Office?.context?.requirements;
    },
    undefined,
    { timeout: 10_000 }
  );
  return { page, context, pageErrors, consoleErrors, blocked, apiCalls, close: () => context.close() };
}

/** 设置: type an account in as a clerk would, then 保存. */
export async function signIn(
  page: Page,
  a: SandboxAccount,
  opts: { enterpriseNature?: string; orgName?: string } = {}
): Promise<void> {
  await page.getByTestId("tab-settings").click();
  const fill = async (id: string, value: string) => {
    const input = page.getByTestId(`set-${id}`);
    await input.fill(value);
  };
  await fill("gatewayUrl", "");
  await fill("appId", a.appId);
  await fill("appSecret", a.appSecret);
  await fill("accountId", a.accountId);
  await fill("user", a.user);
  await page.getByTestId("set-userType").selectOption("UserName");
  await fill("orgName", opts.orgName ?? a.name);
  await fill("orgTaxId", a.taxId);
  await page.getByTestId("set-enterpriseNature").selectOption(opts.enterpriseNature ?? a.taxpayerType);
  await page.getByTestId("set-encoding").selectOption(a.dataEncoding === "aes" ? "aes" : "base64");
  if (a.dataEncoding === "aes") await page.getByTestId("set-aesPassword").fill(a.aesPassword ?? "");
  await page.getByTestId("set-save").click();
  await expectText(page.getByTestId("set-message"), "已保存");
}

// ── The workbook, seen from the test ─────────────────────────────────────────

export async function dumpSheet(page: Page, name: string): Promise<SheetDump> {
  const d = await page.evaluate((n) => {
    const w = window as unknown as { __hcWorkbook: { dump(n: string): SheetDump | null } };
    return w.__hcWorkbook.dump(n);
  }, name);
  if (!d) throw new Error(`no sheet ${name} in the fake workbook`);
  return d;
}

export async function sheetNames(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { __hcWorkbook: { sheetNames(): string[] } }).__hcWorkbook.sheetNames()
  );
}

export async function selectRange(page: Page, sheet: string, address: string): Promise<void> {
  await page.evaluate(
    ([s, a]) =>
      (window as unknown as { __hcWorkbook: { select(s: string, a: string): void } }).__hcWorkbook.select(
        s,
        a
      ),
    [sheet, address] as const
  );
}

/** Type values into cells (no conversion, like a clerk typing), rows from (row, column), 0-based. */
export async function typeCells(
  page: Page,
  sheet: string,
  row: number,
  column: number,
  rows: ReadonlyArray<readonly unknown[]>
): Promise<void> {
  await page.evaluate(
    ([s, r, c, v]) =>
      (
        window as unknown as {
          __hcWorkbook: { setValues(s: string, r: number, c: number, v: unknown[][]): void };
        }
      ).__hcWorkbook.setValues(s, r, c, v),
    [sheet, row, column, rows as unknown[][]] as const
  );
}

/** Column letters of a 0-based index (0 → A). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = "";
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** A dumped sheet read by header (row 1): cell values, addresses, fills and notes. */
export class SheetView {
  readonly headers: string[];
  constructor(readonly dump: SheetDump) {
    this.headers = (dump.rows[0] ?? []).map((h) => String(h));
  }
  col(header: string): number {
    const i = this.headers.indexOf(header);
    if (i < 0) throw new Error(`no column ${header} in ${this.dump.name}: ${this.headers.join(",")}`);
    return i;
  }
  /** The value under `header` on 1-based sheet row `row`. */
  get(row: number, header: string): string | number | boolean {
    return this.dump.rows[row - 1]?.[this.col(header)] ?? "";
  }
  text(row: number, header: string): string {
    return String(this.get(row, header));
  }
  address(row: number, header: string): string {
    return `${columnLetter(this.col(header))}${row}`;
  }
  fill(row: number, header: string): string | undefined {
    return this.dump.fills[this.address(row, header)];
  }
  note(row: number, header: string): string | undefined {
    return this.dump.notes[this.address(row, header)];
  }
}

export async function viewSheet(page: Page, name: string): Promise<SheetView> {
  return new SheetView(await dumpSheet(page, name));
}

// ── Waiting ─────────────────────────────────────────────────────────────────

/** Wait until the locator's text contains `text` (a clearer failure than a bare timeout). */
export async function expectText(locator: Locator, text: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = "";
  while (Date.now() < deadline) {
    last =
      (await locator
        .first()
        .textContent({ timeout: 1_000 })
        .catch(() => null)) ?? "";
    if (last.includes(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected text "${text}" in ${String(locator)}, last saw: "${last}"`);
}

/** Wait until `locator` is enabled (a button a workflow disables while it runs). */
export async function waitEnabled(locator: Locator, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await locator.isEnabled().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${String(locator)} stayed disabled`);
}

/**
 * Click `button` of a panel and wait until the panel is idle again: its progress gone and its read
 * button (`{prefix}-read` / `redflush-preflight`) enabled. React flushes the click's state update
 * (running = true) before the click returns, so idle means the action finished.
 */
export async function clickAndWait(
  page: Page,
  button: string,
  prefix: string,
  idleButton = `${prefix}-read`
) {
  await page.getByTestId(button).click();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const busy = (await page.getByTestId(`${prefix}-progress`).count()) > 0;
    if (!busy && (await page.getByTestId(idleButton).isEnabled())) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${button}: the ${prefix} panel stayed busy`);
}

/**
 * Wait for `done()` while the gateway clock runs 8× faster (sandbox tasks finish on clock time).
 */
export async function whileClockRuns<T>(
  clock: SettableClock,
  done: () => Promise<T | null>,
  timeout = 60_000
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await done();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error("timed out waiting while advancing the gateway clock");
    clock.advance(1_400);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
