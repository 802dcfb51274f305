/**
 * `hongchong import` on 红字信息表 / 红字确认单 files runs the draft planners' rules (issue 8): the
 * line rules on the cell, −1000.005 refused (never rounded), and rows of one document that name the
 * same blue line refused on every conflicting cell, naming the other rows.
 */
import { join } from "path";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import { tempDir, templateWithRows, validInfoFormRow } from "./helpers";

const dir = tempDir();

async function verdicts(kind: "info-form-import" | "confirm-form-drafts", rows: Record<string, unknown>[]) {
  const file = join(dir, `${kind}-${Math.random().toString(36).slice(2)}.xlsx`);
  await templateWithRows(kind, rows).xlsx.writeFile(file);
  const r = await importXlsxFile(file, {});
  if (!r.ok) throw new Error(r.refusal.message);
  return r.value.validation.rows.map((row) =>
    row.cellErrors.map((e) => [e.cellAddress.replace(/\d+$/, ""), e.header, e.refusal.code])
  );
}

describe("红字信息表 import runs the planner's line rules", () => {
  it("tax off by more than 0.06, −1000.005, an 18-digit and a blank 税收分类编码: each refused on its cell", async () => {
    const v = await verdicts("info-form-import", [
      validInfoFormRow(1),
      { ...validInfoFormRow(2), 金额: "-1000.00", 税额: "-200.00" },
      { ...validInfoFormRow(3), 金额: "-1000.005", 税额: "-130.00" },
      { ...validInfoFormRow(4), 税收分类编码: "109041600000000000" },
      { ...validInfoFormRow(5), 税收分类编码: "" },
    ]);
    expect(v.map((cells) => cells.map((c) => [c[1], c[2]]))).toEqual([
      [],
      [["税额", "LINE_TAX_OUT_OF_TOLERANCE"]],
      [["金额", "TOO_MANY_DECIMALS"]],
      [["税收分类编码", "TAX_CODE_FORMAT"]],
      [["税收分类编码", "FIELD_REQUIRED"]],
    ]);
  });
});

describe("红字确认单 import: the same 行号 twice in one form", () => {
  const line = (over: Record<string, unknown>) => ({
    原蓝票号码: "24442000000012345678",
    红冲原因: "销售折让",
    行号: "0",
    货物名称: "*信息技术服务*软件",
    税收分类编码: "3040201010000000000",
    金额: "-1000.00",
    税率: "13%",
    税额: "-130.00",
    ...over,
  });

  it("different amounts: both rows red on 金额 and 税额, naming each other; identical: flagged on 行号", async () => {
    const conflict = await verdicts("confirm-form-drafts", [
      line({}),
      line({ 金额: "-500.00", 税额: "-65.00" }),
    ]);
    expect(conflict.map((cells) => cells.map((c) => [c[1], c[2]]))).toEqual([
      [
        ["金额", "DUPLICATE_LINE_CONFLICT"],
        ["税额", "DUPLICATE_LINE_CONFLICT"],
      ],
      [
        ["金额", "DUPLICATE_LINE_CONFLICT"],
        ["税额", "DUPLICATE_LINE_CONFLICT"],
      ],
    ]);
    const repeat = await verdicts("confirm-form-drafts", [line({}), line({})]);
    expect(repeat.map((cells) => cells.map((c) => [c[1], c[2]]))).toEqual([
      [["行号", "DUPLICATE_LINE_REPEAT"]],
      [["行号", "DUPLICATE_LINE_REPEAT"]],
    ]);
  });
});
