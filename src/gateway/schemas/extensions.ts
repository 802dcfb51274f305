/**
 * Our gateway's HC.* extensions (src/gateway/extensions.ts): the request `data` of each as one
 * TypeBox schema (conventions in common.ts). Sandbox only; relay mode refuses them.
 */
import { type Static, Type } from "@sinclair/typebox";
import { W } from "./common";
import { MAX_INPUT_PAGE_SIZE } from "./input";

const { Optional } = Type;

// ── HC.BLUEINVOICE.QUERY ─────────────────────────────────────────────────────────────────────

export const BlueInvoiceQueryData = Type.Object({
  /** Blue invoice numbers (8-digit 税控 or 20-digit 数电). */
  invoiceNos: Optional(W.array(W.text(20), { maxItems: 500 })),
  /** 发票种类 labels (labels.InvoiceKind). */
  kinds: Optional(W.array(W.text(50), { maxItems: 20 })),
  /** 开票日期 range, yyyy-MM-dd. */
  startDate: Optional(W.date()),
  endDate: Optional(W.date()),
  pageNo: Optional(W.integerLike()),
  pageSize: Optional(W.integerLike()),
});
export type BlueInvoiceQueryWire = Static<typeof BlueInvoiceQueryData>;

// ── HC.REDCONFIRMBILL.ROLLBACK / DELETE ────────────────────────────────────────────────────────

export const RedConfirmBillActionData = W.oneOf(
  Type.Object({
    taxNo: W.text(20),
    /** 流水号 of the form, or its 红字确认单编号. */
    serialNo: Optional(W.string(50)),
    number: Optional(W.string(30)),
  }),
  [["serialNo"], ["number"]]
);
export type RedConfirmBillActionWire = Static<typeof RedConfirmBillActionData>;

// ── HC.TASK.QUERY ──────────────────────────────────────────────────────────────────────────

export const TaskQueryData = Type.Object({
  taskNo: Optional(W.string(30)),
  /** 'redConfirmDownload' | 'redConfirmStatusUpdate' | 'redInfoDownload' | 'inputCollection' */
  type: Optional(W.string(50)),
  pageNo: Optional(W.integerLike()),
  pageSize: Optional(W.integerLike()),
});
export type TaskQueryWire = Static<typeof TaskQueryData>;

// ── HC.REDINFOBILL.LIST / REVOKE / ROLLBACK / DELETE ────────────────────────────────────────────

export const RedInfoFormListData = Type.Object({
  pageNo: Optional(W.integer({ minimum: 1 })),
  pageSize: Optional(W.integer({ minimum: 1, maximum: 1000 })),
  status: Optional(W.string(10)),
  startDate: Optional(W.date()),
  endDate: Optional(W.date()),
});
export type RedInfoFormListWire = Static<typeof RedInfoFormListData>;

/** One form, by serialNo or number. */
export const RedInfoFormActionData = W.oneOf(
  Type.Object({
    taxNo: W.text(20),
    serialNo: Optional(W.string(30)),
    formNo: Optional(W.string(30)),
  }),
  [["serialNo"], ["formNo"]]
);
export type RedInfoFormActionWire = Static<typeof RedInfoFormActionData>;

// ── HC.INPUTPOOL.QUERY (rim) ─────────────────────────────────────────────────────────────────

export const InputPoolQueryData = Type.Object({
  taxNo: W.text(20),
  invoiceStatus: Optional(W.string(20)),
  startDate: Optional(W.date()),
  endDate: Optional(W.date()),
  pageNo: Optional(W.integer({ minimum: 1 })),
  pageSize: Optional(W.integer({ minimum: 1, maximum: MAX_INPUT_PAGE_SIZE })),
});
export type InputPoolQueryWire = Static<typeof InputPoolQueryData>;

// ── HC.PENDINGRED.LIST / DELETE ──────────────────────────────────────────────────────────────

/** The caller's 待开 red records (开票管理→待开发票), optionally of one blue invoice. */
export const PendingRedListData = Type.Object({
  blueInvoiceCode: Optional(W.string(20)),
  blueInvoiceNo: Optional(W.string(20)),
});
export type PendingRedListWire = Static<typeof PendingRedListData>;

/** Delete 待开 records of the caller's organisation by id (开票失败的数据，支持删除, 000 ②). */
export const PendingRedDeleteData = Type.Object({
  ids: W.array(W.integerLike(), { minItems: 1, maxItems: 500 }),
});
export type PendingRedDeleteWire = Static<typeof PendingRedDeleteData>;
