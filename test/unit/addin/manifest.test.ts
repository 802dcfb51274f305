/**
 * Offline manifest checks (office-addin-manifest validate needs the network): the XML parses, every resid
 * resolves, one shared runtime serves task pane, custom functions and ribbon, URLs are https, the HC namespace
 * is declared, zh-CN is the default locale with en-US overrides, and the requirement floor stays low.
 */
import { readdirSync, readFileSync, statSync } from "fs";
import { join } from "path";

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(p) : /\.(ts|tsx)$/.test(n) ? [p] : [];
  });
}
import { parseStringPromise } from "xml2js";

const xml = readFileSync(join(__dirname, "../../../manifest.xml"), "utf8");

type Node = Record<string, unknown>;

/** Every element (depth-first) with its tag name, from xml2js's explicitArray output. */
function walk(node: unknown, tag: string, out: Array<{ tag: string; node: Node }>): void {
  if (Array.isArray(node)) {
    node.forEach((n) => walk(n, tag, out));
    return;
  }
  if (node === null || typeof node !== "object") return;
  out.push({ tag, node: node as Node });
  for (const [k, v] of Object.entries(node as Node)) {
    if (k === "$" || k === "_") continue;
    walk(v, k, out);
  }
}

function attr(n: Node, name: string): string | undefined {
  const a = n.$ as Record<string, string> | undefined;
  return a?.[name];
}

describe("manifest.xml", () => {
  let elements: Array<{ tag: string; node: Node }>;
  let resources: Map<string, { tag: string; node: Node }>;

  beforeAll(async () => {
    const doc = await parseStringPromise(xml);
    elements = [];
    walk(doc.OfficeApp, "OfficeApp", elements);
    resources = new Map();
    for (const e of elements) {
      const id = attr(e.node, "id");
      if (id && e.tag.startsWith("bt:")) resources.set(id, e);
    }
  });

  it("is an Excel task-pane add-in with zh-CN as default locale", () => {
    expect(xml).toContain('xsi:type="TaskPaneApp"');
    expect(xml).toMatch(/<Host Name="Workbook"\/>/);
    expect(xml).toMatch(/<DefaultLocale>zh-CN<\/DefaultLocale>/);
  });

  it("resolves every resid to a bt:* resource", () => {
    const resids = elements.map((e) => attr(e.node, "resid")).filter((r): r is string => !!r);
    expect(resids.length).toBeGreaterThan(10);
    const missing = resids.filter((r) => !resources.has(r));
    expect(missing).toEqual([]);
  });

  it("uses one shared runtime (lifetime long) for Runtime, Page, FunctionFile and ShowTaskpane", () => {
    const runtime = elements.filter((e) => e.tag === "Runtime");
    expect(runtime).toHaveLength(1);
    expect(attr(runtime[0].node, "lifetime")).toBe("long");
    const shared = attr(runtime[0].node, "resid");
    const page = elements.find((e) => e.tag === "Page");
    const pageSource = (page?.node.SourceLocation as Node[])[0];
    expect(attr(pageSource, "resid")).toBe(shared);
    const functionFile = elements.find((e) => e.tag === "FunctionFile");
    expect(attr(functionFile!.node, "resid")).toBe(shared);
    const actions = elements.filter((e) => e.tag === "Action" && attr(e.node, "xsi:type") === "ShowTaskpane");
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) expect(attr((a.node.SourceLocation as Node[])[0], "resid")).toBe(shared);
  });

  it("declares the HC custom-functions namespace", () => {
    const ns = elements.find((e) => e.tag === "Namespace");
    const res = resources.get(attr(ns!.node, "resid")!);
    expect(attr(res!.node, "DefaultValue")).toBe("HC");
  });

  it("has only https URLs", () => {
    const urls = [...xml.matchAll(/(?:DefaultValue|Value)="(\w+:\/\/[^"]+)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(5);
    expect(urls.filter((u) => !u.startsWith("https://"))).toEqual([]);
  });

  it("declares the ExcelApi set every unguarded call needs (1.9); richer sets are checked at run time", () => {
    const sets = elements
      .filter((e) => e.tag === "Set")
      .map((e) => `${attr(e.node, "Name")} ${attr(e.node, "MinVersion")}`);
    expect(sets).toEqual(["ExcelApi 1.9", "SharedRuntime 1.1"]);
    // Every Excel API the add-in calls, with the ExcelApi version that brought it; the ones above the
    // manifest's floor must be behind a host.supports() check (src/sheet/office/host.ts, readValues.ts).
    const API_SET: Readonly<Record<string, string>> = {
      getSelectedRanges: "1.9",
      getRanges: "1.9",
      getCellProperties: "1.9",
      autoFilter: "1.9",
      getRangeByIndexes: "1.7",
      freezePanes: "1.7",
      dataValidation: "1.8",
      getUsedRangeOrNullObject: "1.4",
      suspendScreenUpdatingUntilNextSync: "1.9",
      notes: "1.18",
      comments: "1.10",
      getMergedAreasOrNullObject: "1.13",
    };
    const GUARDED = new Set([
      "notes",
      "comments",
      "getMergedAreasOrNullObject",
      "suspendScreenUpdatingUntilNextSync",
    ]);
    const floor = "1.9";
    const newer = (a: string, b: string) => {
      const [x, y] = [a, b].map((v) => v.split(".").map(Number));
      return x[0] > y[0] || (x[0] === y[0] && x[1] > y[1]);
    };
    const sources = ["src/sheet/office", "taskpane"].flatMap((d) =>
      listFiles(join(__dirname, "../../..", d))
    );
    const used = new Set<string>();
    for (const f of sources) {
      const text = readFileSync(f, "utf8");
      for (const api of Object.keys(API_SET)) if (new RegExp(`\\.${api}\\b`).test(text)) used.add(api);
    }
    expect(used.has("getSelectedRanges")).toBe(true);
    const unguardedAboveFloor = [...used].filter((api) => !GUARDED.has(api) && newer(API_SET[api], floor));
    expect(unguardedAboveFloor).toEqual([]);
  });

  it("links a help page the build ships (SupportUrl, 了解更多)", () => {
    const helpUrls = elements
      .map((e) => attr(e.node, "DefaultValue") ?? "")
      .filter((v) => v.endsWith("/help.html"));
    expect(helpUrls.length).toBeGreaterThanOrEqual(2);
    const help = readFileSync(join(__dirname, "../../../taskpane/help.html"), "utf8");
    expect(help).toContain("<title>红冲助手");
    expect(readFileSync(join(__dirname, "../../../webpack.config.js"), "utf8")).toContain(
      '{ from: "taskpane/help.html", to: "help.html" }'
    );
  });

  it("gives en-US overrides for every user-facing string", () => {
    const strings = elements.filter(
      (e) => e.tag === "bt:String" && attr(e.node, "id") !== "Functions.Namespace"
    );
    expect(strings.length).toBeGreaterThan(0);
    for (const s of strings) {
      const over = (s.node["bt:Override"] as Node[] | undefined) ?? [];
      expect(over.map((o) => attr(o, "Locale"))).toContain("en-US");
    }
    expect(xml).toMatch(/<DisplayName DefaultValue="红冲助手">\s*<Override Locale="en-US"/);
  });
});
