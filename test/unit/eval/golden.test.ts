/**
 * Golden vectors for `hongchong eval`: test/fixtures/examples.json (copied from shared/spec) and every file in
 * test/fixtures/eval/*.json. Each vector's `expected` keys must appear in the output with exactly these values
 * (the contract lets outputs carry extra keys). `refused` lists are compared as sets.
 */
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { EVAL_HANDLERS, evaluateVector } from "../../../src/cli/eval";

interface Vector {
  id: string;
  kind: string;
  inputs: Record<string, unknown>;
  expected?: Record<string, unknown>;
  expectedError?: boolean;
}

const fixtures = join(__dirname, "../../fixtures");
const files = [
  join(fixtures, "examples.json"),
  ...readdirSync(join(fixtures, "eval"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => join(fixtures, "eval", f)),
];

/** Lists the contract calls sets (order irrelevant). */
const SET_KEYS = new Set(["refused", "updatedFields"]);
/** Lists where the expected labels must be included (the output may name more). */
const SUBSET_KEYS = new Set(["updatesInclude"]);

/** The part of `actual` that `expected` speaks about: object keys projected recursively, sets sorted. */
function project(expected: unknown, actual: unknown, key = ""): unknown {
  if (SET_KEYS.has(key) && Array.isArray(actual)) return [...actual].sort();
  if (SUBSET_KEYS.has(key) && Array.isArray(actual) && Array.isArray(expected)) {
    return expected.filter((e) => actual.includes(e));
  }
  if (Array.isArray(expected) && Array.isArray(actual) && actual.length === expected.length) {
    return actual.map((a, i) => project(expected[i], a));
  }
  if (
    expected &&
    typeof expected === "object" &&
    !Array.isArray(expected) &&
    actual &&
    typeof actual === "object"
  ) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(expected))
      out[k] = project((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], k);
    return out;
  }
  return actual;
}

function expectedView(expected: unknown, key = ""): unknown {
  if (SET_KEYS.has(key) && Array.isArray(expected)) return [...expected].sort();
  if (Array.isArray(expected)) return expected.map((e) => expectedView(e));
  if (expected && typeof expected === "object") {
    return Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, expectedView(v, k)]));
  }
  return expected;
}

describe.each(files)("%s", (file) => {
  const doc = JSON.parse(readFileSync(file, "utf8")) as { vectors: Vector[] };
  it.each(doc.vectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const r = evaluateVector(v);
    if (v.expectedError) {
      expect(r.error).toEqual(expect.any(String));
      return;
    }
    expect(r.error).toBeUndefined();
    expect(project(v.expected ?? {}, r.output ?? {})).toEqual(expectedView(v.expected ?? {}));
  });
});

describe("coverage of the contract", () => {
  it("has a handler for every kind of shared/spec/eval-contract.md", () => {
    const kinds = [
      "canRedFlushInvoice",
      "batchSizeCheck",
      "checkRemainingReversible",
      "singleRedFlushClick",
      "batchRedFlush",
      "routeRedFlush",
      "infoForm.requiredBlueFields",
      "infoForm.validateRedAmount",
      "infoForm.submit",
      "infoForm.redFlush",
      "infoForm.revoke",
      "infoForm.delete",
      "infoForm.rollback",
      "infoForm.downloadScope",
      "calcRedLine",
      "rcf.enter",
      "rcf.confirm",
      "rcf.reject",
      "rcf.revoke",
      "rcf.redFlush",
      "rcf.rollback",
      "rcf.delete",
      "rcf.linkToApplication",
      "rcf.downloadMerge",
      "entryQuantityCheck",
      "callbackDecision",
      "deliveryContact",
      "purchaseInvoiceIdentity",
      "confirmDeadline",
      "leqiRerun",
      "inputDownloadPrecheck",
      "inputInvoiceMerge",
      "flightTotalRuleApplies",
    ];
    expect(kinds.filter((k) => !(k in EVAL_HANDLERS))).toEqual([]);
  });

  it("gives a per-vector error for unknown kinds and malformed inputs, never a crash", () => {
    expect(evaluateVector({ id: "x", kind: "noSuchKind", inputs: {} }).error).toBe("未知的 kind：noSuchKind");
    expect(evaluateVector({ id: "x", kind: "noSuchKind", inputs: {} }, "en").error).toBe(
      "unknown kind: noSuchKind"
    );
    expect(
      evaluateVector({ id: "d", kind: "checkRemainingReversible", inputs: { reversibleAmount: 1 } }).error
    ).toBe('reversibleAmount 须为十进制数字字符串（如 "100.00"）');
    expect(evaluateVector({ id: "y", kind: "calcRedLine", inputs: { reason: 5 } }).error).toEqual(
      expect.any(String)
    );
    expect(evaluateVector({ id: "z", kind: "batchSizeCheck" }).error).toMatch(/inputs/);
    expect(evaluateVector("nope").error).toEqual(expect.any(String));
  });
});
