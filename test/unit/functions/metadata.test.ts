/**
 * functions.json as the webpack plugin generates it from functions/functions.ts: no generator
 * errors, every HC function present with Chinese help, and a snapshot so any change to the
 * functions' Excel-facing signature is a reviewed change.
 */
import { join } from "path";
import { generateCustomFunctionsMetadata } from "custom-functions-metadata";

interface ParamMeta {
  name: string;
  description?: string;
  type?: string;
  dimensionality?: string;
  optional?: boolean;
}
interface FunctionMeta {
  id: string;
  name: string;
  description?: string;
  parameters: ParamMeta[];
  result: { type?: string; dimensionality?: string };
}

const REQUIRED_IDS = [
  "REDAMOUNT",
  "REDTAX",
  "REDTOTAL",
  "REDQTY",
  "REDLINE",
  "REDREMAIN",
  "CANREDFLUSH",
  "CONFIRMSTATUS",
  "TAXID",
];
const RED_LINE_IDS = REQUIRED_IDS.slice(0, 5);
const HAN = /[\u4e00-\u9fff]/;

let functions: FunctionMeta[];
let metadata: unknown;
let errors: string[];

beforeAll(async () => {
  const generated = await generateCustomFunctionsMetadata([
    join(__dirname, "../../../functions/functions.ts"),
  ]);
  errors = generated.errors;
  metadata = generated.metadataJson ? JSON.parse(generated.metadataJson) : null;
  functions = (metadata as { functions: FunctionMeta[] } | null)?.functions ?? [];
}, 60_000);

test("the generator reports no errors", () => {
  expect(errors).toEqual([]);
});

test("every required function is there, with an upper-case id and no namespace in it", () => {
  expect(functions.map((f) => f.id).sort()).toEqual(expect.arrayContaining([...REQUIRED_IDS].sort()));
  for (const f of functions) {
    expect(f.id).toMatch(/^[A-Z][A-Z0-9]*$/);
    expect(f.name).toBe(f.id);
  }
});

test("help text is Chinese: every function and parameter has a description", () => {
  for (const f of functions) {
    expect([f.id, HAN.test(f.description ?? "")]).toEqual([f.id, true]);
    for (const p of f.parameters)
      expect([f.id, p.name, HAN.test(p.description ?? "")]).toEqual([f.id, p.name, true]);
  }
});

test("the red-line functions take eleven range-capable arguments, the last two optional, and spill", () => {
  for (const id of RED_LINE_IDS) {
    const f = functions.find((x) => x.id === id)!;
    expect(f.parameters.map((p) => p.name)).toEqual([
      "reason",
      "taxMode",
      "taxRate",
      "remainingAmount",
      "remainingTax",
      "remainingQuantity",
      "unitPrice",
      "editField",
      "editValue",
      "taxCode",
      "hasDiscountLine",
    ]);
    expect(f.parameters.every((p) => p.dimensionality === "matrix" && p.type === "any")).toBe(true);
    expect(f.parameters.filter((p) => p.optional).map((p) => p.name)).toEqual(["taxCode", "hasDiscountLine"]);
    expect(f.result.dimensionality).toBe("matrix");
  }
});

test("the generated metadata matches the snapshot", () => {
  expect(metadata).toMatchSnapshot();
});
