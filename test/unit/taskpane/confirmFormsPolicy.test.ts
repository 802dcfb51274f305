/**
 * 个人出租住房 in the pane's 红字确认单 draft (issue 10 item 5): the rental formula needs both the code
 * 3040502020102000000 and the policy 按5%简易征收减按1.5%计征 in the sheet's 优惠政策; another policy is
 * refused on the line; a blank 优惠政策 is "not known" (the code-only reading, as before).
 */
import { refusalMessage } from "../../../src/domain/refusals";
import { computeDraft, readConfirmForms } from "../../../taskpane/workflows/confirmForms";
import { FakePort } from "./fakes";

const HEADER = [
  "原蓝票号码",
  "红冲原因",
  "购销身份",
  "行号",
  "货物名称",
  "税收分类编码",
  "征税方式",
  "优惠政策",
  "税率",
  "剩余可红冲金额",
  "剩余可红冲税额",
  "编辑字段",
  "编辑值",
];
const line = (o: Partial<Record<(typeof HEADER)[number], string>>) => HEADER.map((h) => o[h] ?? "");
const rental = (policy: string) =>
  line({
    原蓝票号码: "24330000000012345678",
    红冲原因: "销售折让",
    行号: "1",
    货物名称: "住房租金",
    税收分类编码: "3040502020102000000",
    征税方式: "减按计征",
    优惠政策: policy,
    税率: "1.5%",
    剩余可红冲金额: "3105.00",
    剩余可红冲税额: "45.00",
    编辑字段: "含税金额",
    编辑值: "1050",
  });

async function draftOf(policy: string) {
  const port = new FakePort({ confirmForms: { grid: [HEADER, rental(policy)] } });
  const sel = await readConfirmForms(port);
  if (!sel.ok) throw new Error(sel.refusal.message);
  return computeDraft(sel.value.entries[0]);
}

describe("红字确认单 draft: 个人出租住房 needs its policy", () => {
  it("with 按5%简易征收减按1.5%计征: 1050 ÷ 1.05 × 1.5% = 15.00 (the rental formula)", async () => {
    const d = await draftOf("按5%简易征收减按1.5%计征");
    expect(d.refusals).toEqual([]);
    expect(d.totals).toEqual({ amount: "-1035.00", tax: "-15.00", amountInclTax: "-1050.00" });
  });

  it("with another policy: refused on the line, nothing computed", async () => {
    const d = await draftOf("免税");
    expect(d.totals).toBeNull();
    expect(d.refusals.map((r) => r.message)).toEqual([refusalMessage("REDUCED_LEVY_RENTAL_POLICY_MISSING")]);
  });

  it("a blank 优惠政策 keeps the code-only reading", async () => {
    const d = await draftOf("");
    expect(d.totals).toEqual({ amount: "-1035.00", tax: "-15.00", amountInclTax: "-1050.00" });
  });
});
