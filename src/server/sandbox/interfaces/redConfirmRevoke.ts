/**
 * 2.1.08 REDCONFIRMBILL.REVOKE 红字确认单撤销 and 2.1.09 红字确认单确认或拒绝 (interfaceCode assumed,
 * src/gateway/assumptions.ts A1; qrlx Y/N, A5). Both act on the bureau's bill as the caller's side
 * (销方 / 购方) sees it, through the engine: revoke only a valid, not-invoiced bill and only by the
 * last acting party (→ 08 before / 09 after confirmation); confirm/reject only a bill awaiting the
 * caller (02 → buyer, 03 → seller): confirm → 04 with 确认日期, reject → 05/06.
 * The bureau's copy changes at once (both parties see it through 2.1.13); the caller's own record
 * follows; the counterparty's record learns it by 下载 / 更新确认单状态.
 */
import { type ConfirmFormAction, runConfirmFormAction } from "../../../domain/confirmForm";
import type { Role } from "../../../domain/labels";
import { ASSUMED_INTERFACE_CODES } from "../../../gateway/assumptions";
import { CONFIRM_TYPE_CODES, roleOfIdentity } from "../../../gateway/codes";
import type { HandlerContext } from "../../context";
import { type InterfaceHandler, type Outcome, ok, refuse, refused } from "../../registry";
import {
  type RedConfirmBillConfirmWire,
  RedConfirmBillConfirmData,
  type RedConfirmBillRevokeWire,
  RedConfirmBillRevokeData,
  type WireIn,
} from "../../../gateway/schemas";
import {
  engineForm,
  findBill,
  heldForm,
  settleOverdueBills,
  sideOn,
  syncBuyerPoolStatus,
} from "./redConfirmShared";

type RevokeData = WireIn<RedConfirmBillRevokeWire>;
type ConfirmData = WireIn<RedConfirmBillConfirmWire>;
/** 2.1.08 / 2.1.09 as the handler gets them (same shape, different qrlx). */
export type BillActionData = RevokeData | ConfirmData;

/** Success messages (2.1.08's example says 撤销成功; the others by analogy). */
const DONE_MESSAGE: Readonly<Partial<Record<ConfirmFormAction, string>>> = {
  revoke: "撤销成功",
  confirm: "确认成功",
  reject: "拒绝成功",
};

async function actOnBill(
  ctx: HandlerContext,
  d: BillActionData,
  action: ConfirmFormAction
): Promise<Outcome> {
  // The bureau's 72-hour voiding is a fact of its own: kept even when the caller's action is refused.
  const keep = (await settleOverdueBills(ctx)) > 0;
  const bill = await findBill(ctx, { billNo: d.number.trim() });
  if (!bill) return refuse("RCF_BILL_NOT_FOUND", { number: d.number }, { keep });
  const myRole = sideOn(bill, ctx.caller.org.tax_id) as Role;
  if (roleOfIdentity(d.enteridentity) !== myRole)
    return refuse(
      "RCF_IDENTITY_MISMATCH",
      { code: d.enteridentity, number: bill.bill_no, role: myRole },
      { keep }
    );
  const held = await heldForm(ctx.repo, bill.bill_no);
  const r = runConfirmFormAction(action, engineForm(bill, myRole, held), { now: ctx.nowText });
  const state = { redInfoBillNo: bill.bill_no, redConfirmBillStatus: bill.confirm_status };
  if (!r.ok) return refused(r.refusal, { data: state, keep });
  if (!r.form) return refuse("RCF_BILL_NOT_FOUND", { number: bill.bill_no }); // these actions never delete
  const status = r.form.confirmStatus as string;
  const confirmedAt = r.effects.confirmDateSet ? ctx.nowText : bill.confirmed_at;
  await ctx.bureau
    .updateTable("bureau_confirm_bills")
    .set({ confirm_status: status, confirmed_at: confirmedAt, updated_at: ctx.now })
    .where("id", "=", bill.id)
    .execute();
  await ctx.bureau.audit(
    "bureau_confirm_bills",
    bill.id,
    action,
    { confirmStatus: bill.confirm_status },
    { confirmStatus: status, by: myRole }
  );
  if (held) {
    await ctx.repo
      .updateTable("red_confirm_forms")
      .set({ confirm_status: status, confirmed_at: confirmedAt, updated_at: ctx.now })
      .where("id", "=", held.id)
      .execute();
    await ctx.repo.audit(
      "red_confirm_forms",
      held.id,
      action,
      { confirmStatus: held.confirm_status },
      { confirmStatus: status }
    );
  }
  await syncBuyerPoolStatus(ctx, bill);
  return ok({ redInfoBillNo: bill.bill_no, redConfirmBillStatus: status }, DONE_MESSAGE[action]);
}

export const redConfirmRevokeHandler: InterfaceHandler<RevokeData> = {
  interfaceCode: "REDCONFIRMBILL.REVOKE",
  endpoint: "sim",
  description: "2.1.08 红字确认单撤销",
  dataSchema: RedConfirmBillRevokeData,
  handle: (ctx, d) => actOnBill(ctx, d, "revoke"),
};

export const redConfirmConfirmHandler: InterfaceHandler<ConfirmData> = {
  interfaceCode: ASSUMED_INTERFACE_CODES["2.1.09"],
  endpoint: "sim",
  description: "2.1.09 红字确认单确认或拒绝",
  dataSchema: RedConfirmBillConfirmData,
  handle: (ctx, d) => actOnBill(ctx, d, d.qrlx === CONFIRM_TYPE_CODES.confirm ? "confirm" : "reject"),
};
