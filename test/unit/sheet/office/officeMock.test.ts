/**
 * Two small cases on office-addin-mock (the template's tool): the helpers set what they should and
 * load before they read. Collections, sync counts and payload sizes need test/support/fakeExcel.
 */
import { OfficeMockObject } from "office-addin-mock";
import { fillAreas, withEventsOff } from "../../../../src/sheet/office/batch";

describe("office-addin-mock", () => {
  test("fillAreas sets the fill colour on each RangeAreas", async () => {
    const areas: Record<string, { format: { fill: { color: string } } }> = {};
    const seed = {
      getRanges(address: string) {
        areas[address] ??= new OfficeMockObject({ format: { fill: { color: "#FFFFFF" } } }) as never;
        return areas[address];
      },
    };
    const sheet = new OfficeMockObject(seed);
    fillAreas(sheet as unknown as Excel.Worksheet, ["A2,C5", "D9:D12"], "#FFC7CE");
    const mocks = Object.values(areas) as unknown as OfficeMockObject[];
    expect(Object.keys(areas)).toEqual(["A2,C5", "D9:D12"]);
    for (const m of mocks) {
      m.load("format/fill/color");
      await m.sync();
    }
    expect(areas["A2,C5"].format.fill.color).toBe("#FFC7CE");
    expect(areas["D9:D12"].format.fill.color).toBe("#FFC7CE");
  });

  test("withEventsOff switches events back on when the body throws", async () => {
    const context = new OfficeMockObject({ runtime: { enableEvents: true }, sync: async () => undefined });
    const ctx = context as unknown as Excel.RequestContext;
    let during: boolean | undefined;
    await expect(
      withEventsOff(ctx, async () => {
        during = (context as unknown as { runtime: { enableEvents: boolean } }).runtime.enableEvents;
        throw new Error("写入失败");
      })
    ).rejects.toThrow("写入失败");
    expect(during).toBe(false);
    context.load("runtime/enableEvents");
    await context.sync();
    expect((context as unknown as { runtime: { enableEvents: boolean } }).runtime.enableEvents).toBe(true);
  });
});
