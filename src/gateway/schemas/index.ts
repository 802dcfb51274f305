/**
 * One wire definition per interface: interfaceCode → the TypeBox schema of its request `data`.
 * The sandbox registers each handler with `dataSchema: WIRE_SCHEMAS[code]`'s object (checked by
 * test/unit/gateway/wireSchemas.test.ts), the client checks every typed request against it before
 * sending, and src/gateway/payloads.ts derives the request types from the same schemas.
 */
import type { TSchema } from "@sinclair/typebox";
import { EXTENSIONS } from "../extensions";
import { INTERFACES, type InterfaceId } from "../interfaces";
import * as D from "./digital";
import * as E from "./extensions";
import * as I from "./input";
import * as T from "./taxControl";

export * from "./common";
export * from "./digital";
export * from "./extensions";
export * from "./input";
export * from "./taxControl";
export { checkWireData, type WireCheck } from "./check";

/** The open-API interfaces by their doc id (the client's typed methods look them up this way). */
export const WIRE_SCHEMAS_BY_ID: Readonly<Record<InterfaceId, TSchema>> = {
  "2.1.01": D.BlueInvoiceOpenData,
  "2.1.03": D.RedConfirmBillApplyData,
  "2.1.04": D.RedFlushDigitalData,
  "2.1.08": D.RedConfirmBillRevokeData,
  "2.1.09": D.RedConfirmBillConfirmData,
  "2.1.12": D.RedConfirmBillDownloadData,
  "2.1.13": D.RedConfirmBillQueryData,
  "2.2.01": T.TaxControlIssueData,
  "2.2.02": T.TaxControlQuickRedData,
  "2.2.04": T.RedInfoFormApplyData,
  "2.2.05": T.RedInfoFormDownloadData,
  "4.02": I.InputCollectionStartData,
  "4.03": I.InputCollectionQueryData,
  "4.1.03": D.InvoiceBatchQueryData,
  "4.1.04": D.InvoiceQueryData,
};

const EXTENSION_SCHEMAS: Readonly<Record<keyof typeof EXTENSIONS, TSchema>> = {
  blueInvoiceQuery: E.BlueInvoiceQueryData,
  redInfoFormList: E.RedInfoFormListData,
  redInfoFormRevoke: E.RedInfoFormActionData,
  redInfoFormRollback: E.RedInfoFormActionData,
  redInfoFormDelete: E.RedInfoFormActionData,
  redConfirmBillRollback: E.RedConfirmBillActionData,
  redConfirmBillDelete: E.RedConfirmBillActionData,
  taskQuery: E.TaskQueryData,
  inputPoolQuery: E.InputPoolQueryData,
  pendingRedList: E.PendingRedListData,
  pendingRedDelete: E.PendingRedDeleteData,
};

/** interfaceCode (as the doc / assumptions.ts / extensions.ts spell it) → request `data` schema. */
export const WIRE_SCHEMAS: Readonly<Record<string, TSchema>> = Object.freeze({
  ...Object.fromEntries(
    (Object.keys(WIRE_SCHEMAS_BY_ID) as InterfaceId[]).map((id) => [
      INTERFACES[id].interfaceCode.trim(),
      WIRE_SCHEMAS_BY_ID[id],
    ])
  ),
  ...Object.fromEntries(
    (Object.keys(EXTENSION_SCHEMAS) as (keyof typeof EXTENSIONS)[]).map((name) => [
      EXTENSIONS[name].interfaceCode,
      EXTENSION_SCHEMAS[name],
    ])
  ),
});

/**
 * Schemas with no sandbox handler, each with the reason (none today: every interface the client
 * calls is simulated). The wire-schema test requires every other entry to have a handler.
 */
export const CLIENT_ONLY_SCHEMAS: Readonly<Record<string, string>> = {};
