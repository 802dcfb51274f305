/**
 * Reading a list from the cloud to its end (issue 11 D5), for the export and every pane list: page
 * until the interface's own total (2.1.13 totalElement, 4.03 / HC.* total), never one page only. A
 * list that stops short of its total, or is longer than the reader can hold, is refused with the
 * figures — never silently cut.
 */
import { fail, ok, type Result } from "../domain/refusals";
import type { GatewayClient } from "../gateway/client";
import type { RedConfirmBillQueryRequest, RedConfirmBillSummary } from "../gateway/payloads";
import { MAX_ROWS } from "./address";

/**
 * Most items a pane list may hold: the rows of one Excel sheet below its header — every list the
 * pane reads is matched against, or written to, one sheet.
 */
export const MAX_LIST_ITEMS = MAX_ROWS - 1;

/** One page as an interface answers it. */
export interface ListPage<T> {
  readonly items: readonly T[];
  /** The interface's total of the whole list (totalElement, total); absent when it gives none. */
  readonly total?: number | string | null;
  /** The page size the interface says it used (it may clamp the size asked for). */
  readonly pageSize?: number | string | null;
}

export interface ListLimits {
  /** What the list is, in the manuals' words (红字确认单, 进项发票…), for the refusals. */
  readonly list: string;
  readonly maxItems: number;
  /** The refusal for a list above maxItems: LIST_TOO_LONG (pane) or EXPORT_TOO_MANY_ROWS (export). */
  readonly tooLong?: "LIST_TOO_LONG" | "EXPORT_TOO_MANY_ROWS";
}

export interface PagingOptions extends ListLimits {
  /** The page size asked for. */
  readonly pageSize: number;
  /** The first page's number (1 unless the interface counts from 0). */
  readonly firstPageNo?: number;
  /** After each page: items read so far and the interface's total (null when it gives none). */
  readonly onPage?: (read: number, total: number | null) => void;
}

function count(v: number | string | null | undefined): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * After a page, with `read` items read so far: ask for the next page, or the list is done, or why it
 * cannot be read whole. With a total the total decides — a short page does not end the list (the
 * interface may clamp the page size), an empty page before the total is LIST_INCOMPLETE. Without
 * one, a page shorter than its size ends it.
 */
export function afterPage(
  read: number,
  page: ListPage<unknown>,
  askedSize: number,
  limits: ListLimits
): Result<"next" | "done"> {
  const total = count(page.total);
  const tooLong = limits.tooLong ?? "LIST_TOO_LONG";
  if (Math.max(total ?? 0, read) > limits.maxItems)
    return fail(tooLong, { list: limits.list, total: Math.max(total ?? 0, read), cap: limits.maxItems });
  if (total !== null) {
    if (read >= total) return ok("done");
    if (page.items.length === 0) return fail("LIST_INCOMPLETE", { list: limits.list, total, got: read });
    return ok("next");
  }
  const size = count(page.pageSize) || askedSize;
  return ok(page.items.length === 0 || page.items.length < size ? "done" : "next");
}

/** Every item of a paged list, page after page until afterPage says it is done. */
export async function fetchAllPages<T>(
  fetchPage: (pageNo: number, pageSize: number) => Promise<Result<ListPage<T>>>,
  opts: PagingOptions
): Promise<Result<T[]>> {
  const items: T[] = [];
  for (let pageNo = opts.firstPageNo ?? 1; ; pageNo++) {
    const r = await fetchPage(pageNo, opts.pageSize);
    if (!r.ok) return r;
    for (const item of r.value.items) items.push(item);
    opts.onPage?.(items.length, count(r.value.total));
    const next = afterPage(items.length, r.value, opts.pageSize, opts);
    if (!next.ok) return next;
    if (next.value === "done") return ok(items);
  }
}

/** A list an interface answers in one piece (2.2.05, 2.1.12): whole when it holds its total. */
export function wholeList<T>(
  items: readonly T[],
  total: number | string | null | undefined,
  limits: ListLimits
): Result<readonly T[]> {
  const next = afterPage(items.length, { items, total }, Number.POSITIVE_INFINITY, limits);
  if (!next.ok) return next;
  return next.value === "done"
    ? ok(items)
    : fail("LIST_INCOMPLETE", { list: limits.list, total: count(total) ?? items.length, got: items.length });
}

// ── 2.1.13 红字确认单编号查询, the one list both the export and the pane page ──────────────

/**
 * [decision] The 2.1.13 page size asked for: the sandbox's default page (the cloud's page documents
 * no paging input, so no larger size is known to be accepted); totalElement decides the end.
 */
export const RED_CONFIRM_QUERY_PAGE_SIZE = 100;

/** Every bill 2.1.13 lists for the request, page by page. */
export async function allRedConfirmBills(
  client: Pick<GatewayClient, "queryRedConfirmBills">,
  req: Omit<RedConfirmBillQueryRequest, "pageNo" | "pageSize">,
  opts: Omit<PagingOptions, "pageSize" | "list"> & { readonly list?: string }
): Promise<Result<RedConfirmBillSummary[]>> {
  return fetchAllPages(
    async (pageNo, pageSize) => {
      const r = await client.queryRedConfirmBills({ ...req, pageNo, pageSize });
      if (!r.ok) return { ok: false, refusal: r.refusal };
      return ok({ items: r.data.dataList, total: r.data.totalElement, pageSize: r.data.pageSize });
    },
    { list: "红字确认单", ...opts, pageSize: RED_CONFIRM_QUERY_PAGE_SIZE }
  );
}
