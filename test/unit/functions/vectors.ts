/** The golden vectors shared with the engine tests: examples.json and the eval contract vectors. */
import { readFileSync } from "fs";
import { join } from "path";

export interface Vector {
  readonly id: string;
  readonly kind: string;
  readonly inputs: Record<string, unknown>;
  readonly expected: Record<string, unknown>;
}

const FIXTURES = join(__dirname, "../../fixtures");

function load(file: string): Vector[] {
  return (JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as { vectors: Vector[] }).vectors;
}

export const ALL_VECTORS: readonly Vector[] = [
  ...load("examples.json"),
  ...load("eval/contract-vectors.json"),
];

export function vectorsOf(kind: string): Vector[] {
  return ALL_VECTORS.filter((v) => v.kind === kind);
}

export interface CalcInputs {
  reason: string;
  taxMode: string;
  taxRate: string;
  hasDiscountLine?: boolean;
  taxCode?: string;
  remaining: { amount: string; tax: string; quantity: string | null; unitPrice: string | null };
  edit: { field: "quantity" | "amountExclTax" | "amountInclTax"; value: string };
}
