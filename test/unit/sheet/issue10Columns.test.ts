/** Issue 10: the columns the rules need — 优惠政策 on 红字确认单 lines (item 5), 提示 on the 进项发票池 (item 6). */
import { confirmFormsSchema, inputPoolSchema } from "../../../src/sheet/schemas";

it("红字确认单 sheet reads the blue line's 优惠政策 (for 个人出租住房)", () => {
  const c = confirmFormsSchema.columns.find((x) => x.key === "privilegeType");
  expect([c?.header, c?.result, c?.aliases]).toEqual(["优惠政策", false, ["优惠政策类型", "privilegeType"]]);
});

it("进项发票池 has the 提示 column the sync writes (appended when missing)", () => {
  const c = inputPoolSchema.columns.find((x) => x.key === "poolNote");
  expect([c?.header, c?.result]).toEqual(["提示", true]);
});
