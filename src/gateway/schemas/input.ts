/**
 * 进项 (rim) interfaces 4.02 / 4.03 进项发票表头归集 (INFERRED): the request `data` of each as one
 * TypeBox schema (conventions in common.ts).
 */
import { type Static, Type } from "@sinclair/typebox";
import { W } from "./common";

const { Optional } = Type;

/** Page size cap of 4.03 / HC.INPUTPOOL.QUERY: a page stays a few MB once base64-encoded. */
export const MAX_INPUT_PAGE_SIZE = 5_000;

export const InputCollectionStartData = Type.Object({
  taxNo: W.text(20),
  /** yyyy-MM-dd */
  startDate: W.date(),
  endDate: W.date(),
  /** 票据类型: 发票 / 海关缴款书. */
  billKind: Optional(W.string(10)),
  invoiceType: Optional(W.string(40)),
  deductionStatus: Optional(W.string(20)),
  invoiceStatus: Optional(W.string(20)),
});
export type InputCollectionStartWire = Static<typeof InputCollectionStartData>;

export const InputCollectionQueryData = Type.Object({
  taxNo: W.text(20),
  taskNo: W.text(40),
  pageNo: Optional(W.integer({ minimum: 1 })),
  pageSize: Optional(W.integer({ minimum: 1, maximum: MAX_INPUT_PAGE_SIZE })),
});
export type InputCollectionQueryWire = Static<typeof InputCollectionQueryData>;
