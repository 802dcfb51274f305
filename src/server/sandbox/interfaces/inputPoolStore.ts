/**
 * Storage of the 全票池 merge (4.02 settling) and of a collection task's change report (4.03), set-based:
 * the pool rows of a page of downloaded keys in one query, the page's merged rows written with
 * multi-row upserts, the report written and read as ranges of `input_collection_items` (0008).
 * Plain functions on the caller's OrgScope — its transaction, its org — like every repository here.
 * Nothing here decides anything: the merge is the engine's `mergeDownloadedInvoice`.
 */
import type { OrgInsert, OrgScope } from "../../db/repo";
import type { Row } from "../../db/schema";

/** The pool's identity of an invoice: 发票代码 ("" for 数电) + 发票号码 (input_pool_uq). */
export const poolKey = (code: string | null, no: string) => `${code ?? ""}|${no}`;

/**
 * Rows per multi-row statement. SQLite's limit is 32,766 bound parameters, PostgreSQL's 65,535: 500
 * pool rows are 11,000; 1,000 report rows 8,000. Full chunks repeat one SQL text, so SQLite's
 * statement cache prepares each once.
 */
export const POOL_WRITE_CHUNK = 500;
export const REPORT_WRITE_CHUNK = 1000;
/** Keys per lookup (`invoice_no in (…)`), within both engines' parameter limits. */
export const POOL_LOOKUP_CHUNK = 2000;

/** The org's pool rows for these keys, by key (one indexed query per POOL_LOOKUP_CHUNK keys). */
export async function poolRowsByKey(
  repo: OrgScope,
  keys: readonly { readonly code: string | null; readonly no: string }[]
): Promise<Map<string, Row<"input_pool">>> {
  const wanted = new Set(keys.map((k) => poolKey(k.code, k.no)));
  const nos = [...new Set(keys.map((k) => k.no))];
  const out = new Map<string, Row<"input_pool">>();
  for (let i = 0; i < nos.length; i += POOL_LOOKUP_CHUNK) {
    // invoice_no alone is the index (0008); the code is checked here (numbers repeat across codes rarely).
    const rows = await repo
      .selectFrom("input_pool")
      .selectAll()
      .where("invoice_no", "in", nos.slice(i, i + POOL_LOOKUP_CHUNK))
      .execute();
    for (const r of rows) {
      const key = poolKey(r.invoice_code, r.invoice_no);
      if (wanted.has(key)) out.set(key, r);
    }
  }
  return out;
}

/** A merged pool row to write (every merge column; created_at is kept on an update). */
export type PoolWrite = OrgInsert<"input_pool">;

/** Pool columns an update replaces — everything the merge decides, not created_at. */
const UPDATED_COLUMNS = [
  "ticket_kind",
  "invoice_type",
  "invoice_type_name",
  "invoice_code",
  "invoice_no",
  "invoice_date",
  "seller_name",
  "seller_tax_id",
  "amount",
  "tax_amount",
  "total_amount",
  "total_tax_incl_amount",
  "invoice_status",
  "select_status",
  "deduction_status",
  "verify_status",
  "select_time",
  "certify_time",
  "usage_period",
  "updated_at",
] as const satisfies readonly (keyof PoolWrite)[];

/**
 * Insert new pool rows and update changed ones in multi-row upserts on the pool's unique key
 * (`insert … on conflict (org_id, invoice_code, invoice_no) do update`, both engines); the ids of
 * every written row by key. Keys must be distinct (the caller de-duplicates a download).
 */
export async function writePoolRows(
  repo: OrgScope,
  rows: readonly PoolWrite[]
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += POOL_WRITE_CHUNK) {
    const written = await repo
      .insertInto("input_pool", rows.slice(i, i + POOL_WRITE_CHUNK))
      .onConflict((oc) =>
        oc
          .columns(["org_id", "invoice_code", "invoice_no"])
          .doUpdateSet((eb) => Object.fromEntries(UPDATED_COLUMNS.map((c) => [c, eb.ref(`excluded.${c}`)])))
      )
      .returning(["id", "invoice_code", "invoice_no"])
      .execute();
    for (const r of written) ids.set(poolKey(r.invoice_code, r.invoice_no), Number(r.id));
  }
  return ids;
}

/** One line of a task's change report (stored values: changes as text, notes as codes). */
export interface ReportItem {
  readonly poolId: number;
  readonly action: string;
  readonly changes: readonly { field: string; label: string; from: string | null; to: string | null }[];
  readonly notes: readonly string[];
  readonly flightTotalRule: boolean;
}

/** Append report lines `firstSeq`, `firstSeq + 1`, … of a task (multi-row inserts). */
export async function writeReport(
  repo: OrgScope,
  taskId: number,
  firstSeq: number,
  items: readonly ReportItem[]
): Promise<void> {
  for (let i = 0; i < items.length; i += REPORT_WRITE_CHUNK) {
    await repo
      .insertInto(
        "input_collection_items",
        items.slice(i, i + REPORT_WRITE_CHUNK).map((it, k) => ({
          task_id: taskId,
          seq: firstSeq + i + k,
          pool_id: it.poolId,
          merge_action: it.action,
          changes_json: it.changes.length ? JSON.stringify(it.changes) : null,
          notes_json: it.notes.length ? JSON.stringify(it.notes) : null,
          flight_total_rule: it.flightTotalRule ? 1 : 0,
        }))
      )
      .execute();
  }
}

/** A report line of a page with its pool row as it is now. */
export interface ReportRow {
  readonly pool: Row<"input_pool">;
  readonly item: ReportItem;
}

/**
 * Report lines `fromSeq`…`toSeq` of a task, in order, each with its pool row: one range read on the
 * primary key (task_id, seq) joined to the pool by id.
 */
export async function readReport(
  repo: OrgScope,
  taskId: number,
  fromSeq: number,
  toSeq: number
): Promise<ReportRow[]> {
  const rows = await repo
    .selectFrom("input_collection_items")
    .innerJoin("input_pool", "input_pool.id", "input_collection_items.pool_id")
    .selectAll("input_pool")
    .select([
      "input_collection_items.merge_action",
      "input_collection_items.changes_json",
      "input_collection_items.notes_json",
      "input_collection_items.flight_total_rule",
    ])
    .where("input_pool.org_id", "=", repo.orgId)
    .where("input_collection_items.task_id", "=", taskId)
    .where("input_collection_items.seq", ">=", fromSeq)
    .where("input_collection_items.seq", "<=", toSeq)
    .orderBy("input_collection_items.seq")
    .execute();
  return rows.map(({ merge_action, changes_json, notes_json, flight_total_rule, ...pool }) => ({
    pool: pool as Row<"input_pool">,
    item: {
      poolId: Number(pool.id),
      action: merge_action,
      changes: changes_json === null ? [] : (JSON.parse(changes_json) as ReportItem["changes"]),
      notes: notes_json === null ? [] : (JSON.parse(notes_json) as string[]),
      flightTotalRule: Number(flight_total_rule) === 1,
    },
  }));
}
