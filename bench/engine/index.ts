/**
 * bench/engine: 100,000 mixed red-line calculations and remaining-amount checks through src/domain, against a
 * bare decimal.js loop doing the same arithmetic (q × P, × rate, ÷ (1 + rate), rounding) in the same run.
 * `ratio` = engine time / bare time: what the rules (checks, snapping, signs, refusals) cost over the arithmetic.
 */
import type { Report } from "../run";
import { calcRedLine, RedLineInput } from "../../src/domain/confirmForm";
import { checkRemainingReversible } from "../../src/domain/redFlush";
import { Dec } from "../../src/domain/money";

const RATES = ["0.13", "0.09", "0.06", "0.03", "0.01"];

/** Deterministic mixed workload: returns, allowances, service stops, reduced levy, and some refusals. */
function workload(n: number): RedLineInput[] {
  const out: RedLineInput[] = [];
  let seed = 42;
  const rnd = (m: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % m;
  };
  for (let i = 0; i < n; i++) {
    const rate = RATES[rnd(RATES.length)];
    const qty = 1 + rnd(500);
    const price = `${1 + rnd(9999)}.${String(rnd(100)).padStart(2, "0")}`;
    const amount = new Dec(price).times(qty).toDecimalPlaces(2);
    const tax = amount.times(rate).toDecimalPlaces(2);
    const remaining = {
      amount: amount.toFixed(2),
      tax: tax.toFixed(2),
      quantity: String(qty),
      unitPrice: price,
    };
    const kind = i % 5;
    if (kind === 0 || kind === 1) {
      out.push({
        reason: "销售退回",
        taxMode: "普通征税",
        taxRate: rate,
        hasDiscountLine: false,
        remaining,
        edit: { field: "quantity", value: String(1 + rnd(qty + 2)) },
      }); // sometimes over the remainder
    } else if (kind === 2) {
      out.push({
        reason: "销售折让",
        taxMode: "普通征税",
        taxRate: rate,
        hasDiscountLine: false,
        remaining,
        edit: { field: "amountInclTax", value: amount.div(3 + rnd(5)).toFixed(2) },
      });
    } else if (kind === 3) {
      out.push({
        reason: "服务终止",
        taxMode: "普通征税",
        taxRate: rate,
        hasDiscountLine: false,
        remaining,
        edit: { field: "amountExclTax", value: amount.div(2 + rnd(7)).toFixed(2) },
      });
    } else {
      out.push({
        reason: "销售折让",
        taxMode: "减按计征",
        taxCode: rnd(2) ? "3040502020102000000" : "3040502020101000000",
        taxRate: "0.015",
        hasDiscountLine: false,
        remaining,
        edit: { field: "amountInclTax", value: amount.div(4).toFixed(2) },
      });
    }
  }
  return out;
}

/** The same arithmetic without the rules: what a hand-written decimal.js loop would cost. */
function bare(input: RedLineInput): Dec {
  const r = new Dec(input.taxRate as string);
  const v = new Dec(input.edit.value as string);
  if (input.edit.field === "quantity") {
    const u = v.times(input.remaining.unitPrice as string);
    return u.toDecimalPlaces(2).plus(u.times(r).toDecimalPlaces(2));
  }
  if (input.edit.field === "amountInclTax") {
    const u = v.div(r.plus(1));
    return v.minus(u.toDecimalPlaces(2));
  }
  const tax = v.times(r).toDecimalPlaces(2);
  return v
    .plus(tax)
    .div(input.remaining.unitPrice as string)
    .toDecimalPlaces(13);
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export async function run(report: Report, opts: { quick: boolean }): Promise<void> {
  const n = opts.quick ? 20_000 : 100_000;
  const inputs = workload(n);
  let refused = 0;
  let sink = new Dec(0);
  const engineRun = () => {
    for (const input of inputs) {
      const r = calcRedLine(input);
      if (!r.ok) {
        refused++;
        continue;
      }
      const check = checkRemainingReversible(input.remaining.amount, [], r.value.amount);
      if (!check.allowed) refused++;
    }
  };
  const bareRun = () => {
    for (const input of inputs) sink = sink.plus(bare(input));
  };
  // Warm both paths once (JIT), then measure each twice and keep the faster run.
  engineRun();
  bareRun();
  refused = 0;
  const tEngine = Math.min(time(engineRun), time(engineRun));
  const tBare = Math.min(time(bareRun), time(bareRun));
  refused = refused / 2;
  report({
    bench: "engine.redLines",
    value: Math.round(n / tEngine),
    unit: "lines/s",
    ratio: +(tEngine / tBare).toFixed(2),
    lines: n,
    refused,
    seconds: +tEngine.toFixed(3),
  });
  report({
    bench: "engine.bareDecimalBaseline",
    value: Math.round(n / tBare),
    unit: "lines/s",
    ratio: 1,
    lines: n,
    seconds: +tBare.toFixed(3),
    checksum: sink.isFinite(),
  });
}
