/**
 * `hongchong eval` kinds of module 000 — 发票红冲 (eval-contract.md; domain-rules §2).
 * Thin adapters: read the contract's inputs, call src/domain/redFlush, print amounts with 2 dp.
 */
import { BlueInvoiceStatus, InvoiceKind } from "../../domain/labels";
import { Dec, formatAmount } from "../../domain/money";
import {
  batchRedFlush,
  canRedFlushInvoice,
  checkBatchSize,
  checkRemainingReversible,
  RemainingCheck,
  routeRedFlush,
  singleRedFlushClick,
} from "../../domain/redFlush";
import { Refusal } from "../../domain/refusals";
import {
  arr,
  dec,
  decList,
  EvalHandlers,
  EvalInputError,
  EvalOutput,
  int,
  isObj,
  label,
  optDec,
} from "./types";

export function refusedOutput(r: Refusal): { refused: string; message: string } {
  return { refused: r.code, message: r.message };
}

function remainingOutput(c: RemainingCheck): EvalOutput {
  return {
    allowed: c.allowed,
    available: formatAmount(c.available),
    ...(c.refusal ? refusedOutput(c.refusal) : {}),
  };
}

function optDecList(o: Record<string, unknown>, key: string): Dec[] {
  return o[key] === undefined || o[key] === null ? [] : decList(o, key);
}

export const redFlushHandlers: EvalHandlers = {
  canRedFlushInvoice(inputs) {
    const r = canRedFlushInvoice(
      label(inputs, "invoiceStatus", BlueInvoiceStatus),
      dec(inputs, "reversibleAmount")
    );
    return r.ok ? { allowed: true } : { allowed: false, ...refusedOutput(r.refusal) };
  },

  batchSizeCheck(inputs) {
    const n = int(inputs, "selectedCount");
    if (n < 0) throw new EvalInputError("selectedCount 不能为负数", "selectedCount must not be negative");
    const r = checkBatchSize(n);
    return r.ok ? { allowed: true } : { allowed: false, ...refusedOutput(r.refusal) };
  },

  checkRemainingReversible(inputs) {
    return remainingOutput(
      checkRemainingReversible(
        dec(inputs, "reversibleAmount"),
        optDecList(inputs, "pendingRedAmounts"),
        dec(inputs, "requestAmount")
      )
    );
  },

  singleRedFlushClick(inputs) {
    const r = singleRedFlushClick(dec(inputs, "reversibleAmount"), optDecList(inputs, "pendingRedAmounts"));
    if (!r.entersPage) return { entersPage: false, ...refusedOutput(r.refusal) };
    return {
      entersPage: true,
      defaultRequestAmount: formatAmount(r.defaultRequestAmount),
      submitWithDefault: remainingOutput(r.submitWithDefault),
    };
  },

  batchRedFlush(inputs) {
    const invoices = arr(inputs, "invoices").map((v, i) => {
      if (!isObj(v)) throw new EvalInputError(`invoices[${i}] 须为对象`, `invoices[${i}] must be an object`);
      const no = v.no;
      if (typeof no !== "string" && !(typeof no === "number" && Number.isInteger(no))) {
        throw new EvalInputError(
          `invoices[${i}].no 须为字符串或整数`,
          `invoices[${i}].no must be a string or an integer`
        );
      }
      return {
        no,
        reversibleAmount: dec(v, "reversibleAmount"),
        pendingRedAmounts: optDecList(v, "pendingRedAmounts"),
        requestAmount: optDec(v, "requestAmount"),
      };
    });
    const out = batchRedFlush(invoices);
    return {
      ...(out.refusal ? { allowed: false, ...refusedOutput(out.refusal) } : {}),
      processed: out.processed,
      rejected: out.rejected.map((r) => ({ no: r.no, refused: r.refusal.code, message: r.refusal.message })),
      popupShown: out.popupShown,
    };
  },

  routeRedFlush(inputs) {
    const kinds = arr(inputs, "invoiceKinds");
    return {
      targets: kinds.map((k, i) =>
        routeRedFlush(label({ [`invoiceKinds[${i}]`]: k }, `invoiceKinds[${i}]`, InvoiceKind))
      ),
    };
  },
};
