/**
 * src/sheet/paging.ts (issue 11 D5): a list is read to the interface's total; a short page ends it
 * only when no total is given; an incomplete or over-long list is refused with its figures.
 */
import { ok } from "../../../src/domain/refusals";
import { afterPage, fetchAllPages, wholeList } from "../../../src/sheet/paging";

const limits = { list: "红字确认单", maxItems: 1000 };

describe("afterPage", () => {
  it("with a total, the total decides: a clamped (short) page is not the end", () => {
    expect(afterPage(100, { items: Array(100), total: "250" }, 500, limits)).toEqual(ok("next"));
    expect(afterPage(250, { items: Array(50), total: 250 }, 500, limits)).toEqual(ok("done"));
    expect(afterPage(0, { items: [], total: "0" }, 100, limits)).toEqual(ok("done"));
  });

  it("without a total, a page shorter than the size the interface says it used ends the list", () => {
    expect(afterPage(100, { items: Array(100) }, 100, limits)).toEqual(ok("next"));
    expect(afterPage(130, { items: Array(30) }, 100, limits)).toEqual(ok("done"));
    // Asked 500, the interface says it served 100: a full page of 100 is not the end.
    expect(afterPage(100, { items: Array(100), pageSize: "100" }, 500, limits)).toEqual(ok("next"));
  });

  it("refuses an empty page before the total, and a total above the cap, with the figures", () => {
    const empty = afterPage(100, { items: [], total: "2022" }, 100, { ...limits, maxItems: 5000 });
    expect(empty.ok ? "ok" : empty.refusal.message).toBe(
      "红字确认单不完整：发票云报告共 2022 条，只取到 100 条，请稍后重试"
    );
    const long = afterPage(100, { items: Array(100), total: "2022" }, 100, limits);
    expect(long.ok ? "ok" : [long.refusal.code, long.refusal.message]).toEqual([
      "LIST_TOO_LONG",
      "红字确认单共 2022 条，超过一次读取的上限 1000 条，未读取：请缩小日期范围后分批处理",
    ]);
  });
});

describe("fetchAllPages", () => {
  it("stops at the first page when the total is above the cap (no further requests)", async () => {
    const asked: number[] = [];
    const r = await fetchAllPages(
      async (pageNo) => {
        asked.push(pageNo);
        return ok({ items: Array(100).fill(pageNo), total: 5000 });
      },
      { ...limits, pageSize: 100 }
    );
    expect(r.ok ? "ok" : r.refusal.code).toBe("LIST_TOO_LONG");
    expect(asked).toEqual([1]);
  });

  it("counts pages from firstPageNo and reports progress", async () => {
    const seen: Array<[number, number | null]> = [];
    const r = await fetchAllPages(
      async (pageNo, pageSize) =>
        ok({ items: Array.from({ length: pageNo < 2 ? pageSize : 1 }, () => pageNo), total: 2 * 2 + 1 }),
      { ...limits, pageSize: 2, firstPageNo: 0, onPage: (read, total) => seen.push([read, total]) }
    );
    expect(r.ok && r.value).toEqual([0, 0, 1, 1, 2]);
    expect(seen).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
  });

  it("a server that keeps answering full pages without a total is stopped by the cap", async () => {
    const r = await fetchAllPages(async () => ok({ items: Array(100) }), { ...limits, pageSize: 100 });
    expect(r.ok ? "ok" : r.refusal.params).toEqual({ list: "红字确认单", total: 1100, cap: 1000 });
  });
});

describe("wholeList (an answer in one piece)", () => {
  it("is whole when it holds its total or gives none; short of its total it is refused", () => {
    expect(wholeList([1, 2], "2", limits)).toEqual(ok([1, 2]));
    expect(wholeList([1, 2], undefined, limits)).toEqual(ok([1, 2]));
    const short = wholeList([1, 2], "3", limits);
    expect(short.ok ? "ok" : short.refusal.code).toBe("LIST_INCOMPLETE");
    const none = wholeList([], 3, limits);
    expect(none.ok ? "ok" : none.refusal.params).toEqual({ list: "红字确认单", total: 3, got: 0 });
  });
});
