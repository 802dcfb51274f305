/**
 * In-memory fakes for the task pane's workflows: a WorkbookPort over plain 2-D grids (parsed with the
 * real sheet mapping, so rows look exactly like the Office adapter's) and a scripted gateway client.
 */
import { fail, ok, type Result } from "../../../src/domain/refusals";
import type { GatewayResult } from "../../../src/gateway";
import { matchHeader, parseBlock } from "../../../src/sheet/mapping";
import type {
  AnnotationMode,
  RowWriteBack,
  SelectionRead,
  SheetLayout,
  WorkbookPort,
  WriteOptions,
  WriteSummary,
} from "../../../src/sheet/port";
import { schemaOf, type SheetKind } from "../../../src/sheet/schemas";
import type { WorkflowClient } from "../../../taskpane/workflows/common";

export interface FakeSheet {
  /** Row 0 is the header. */
  grid: unknown[][];
  /** 0-based sheet rows selected. */
  selected: number[];
  /** Cell marks written: "row:col" → message. */
  marks: Map<string, string>;
}

export class FakePort implements WorkbookPort {
  readonly sheets = new Map<SheetKind, FakeSheet>();
  readonly writeLog: Array<{ kind: SheetKind; results: RowWriteBack[] }> = [];
  readonly created: SheetKind[] = [];

  constructor(sheets: Partial<Record<SheetKind, { grid: unknown[][]; selected?: number[] }>> = {}) {
    for (const [kind, s] of Object.entries(sheets) as [
      SheetKind,
      { grid: unknown[][]; selected?: number[] },
    ][]) {
      this.sheets.set(kind, {
        grid: s.grid.map((r) => [...r]),
        selected: s.selected ?? s.grid.slice(1).map((_, i) => i + 1),
        marks: new Map(),
      });
    }
  }

  private layoutOf(kind: SheetKind, sheet: FakeSheet): SheetLayout {
    const header = matchHeader(schemaOf(kind), sheet.grid[0]);
    return {
      sheetName: schemaOf(kind).title,
      tableName: null,
      headerRowIndex: 0,
      columns: header.columns,
      extraColumns: header.extras,
      missingResultColumns: header.missingResult.map((c) => c.key),
    };
  }

  async readSelection(kind: SheetKind): Promise<Result<SelectionRead>> {
    const sheet = this.sheets.get(kind);
    if (!sheet) return fail("SHEET_NO_SELECTION");
    const schema = schemaOf(kind);
    const header = matchHeader(schema, sheet.grid[0]);
    const width = sheet.grid[0].length;
    const block = parseBlock(schema, header, {
      values: sheet.selected.map((r) => {
        const row = sheet.grid[r] ?? [];
        return Array.from({ length: width }, (_, i) => row[i] ?? null);
      }),
      rowIndexes: sheet.selected,
      firstColumn: 0,
      sheetName: schema.title,
    });
    if (block.rows.length === 0) return fail("SHEET_NO_DATA_ROWS");
    return ok({
      kind,
      layout: this.layoutOf(kind, sheet),
      rows: block.rows,
      hiddenRowsSkipped: 0,
      blankRowsSkipped: block.blankRows.length,
    });
  }

  async writeResults(
    kind: SheetKind,
    results: readonly RowWriteBack[],
    _opts: WriteOptions
  ): Promise<Result<WriteSummary>> {
    const sheet = this.sheets.get(kind)!;
    const schema = schemaOf(kind);
    this.writeLog.push({ kind, results: results.map((r) => ({ ...r, values: { ...r.values } })) });
    const appended: string[] = [];
    let marked = 0;
    for (const r of results) {
      for (const [key, value] of Object.entries(r.values)) {
        const col = schema.columns.find((c) => c.key === key);
        if (!col || !col.result) throw new TypeError(`${kind}: "${key}" is not a result column`);
        let at = matchHeader(schema, sheet.grid[0]).columns[key];
        if (at === undefined) {
          sheet.grid[0].push(col.header);
          appended.push(col.header);
          at = sheet.grid[0].length - 1;
        }
        const row = (sheet.grid[r.rowIndex] ??= []);
        row[at] = value ?? null;
      }
      for (const e of r.cellErrors) {
        const at = matchHeader(schema, sheet.grid[0]).columns[e.columnKey];
        sheet.marks.set(`${r.rowIndex}:${at ?? "?"}`, e.message);
        marked++;
      }
    }
    return ok({
      rowsWritten: results.length,
      cellsMarked: marked,
      annotationMode: "notes",
      appendedColumns: appended,
      marksCleared: 0,
      cancelled: false,
    });
  }

  readonly tables = new Map<
    string,
    { headers: readonly string[]; rows: ReadonlyArray<readonly unknown[]> }
  >();

  /** Whole-sheet read (the optional port method). */
  async readAll(kind: SheetKind): Promise<Result<SelectionRead>> {
    const sheet = this.sheets.get(kind);
    if (!sheet) {
      this.sheets.set(kind, {
        grid: [schemaOf(kind).columns.map((c) => c.header)],
        selected: [],
        marks: new Map(),
      });
    }
    const s = this.sheets.get(kind)!;
    const saved = s.selected;
    s.selected = s.grid.slice(1).map((_, i) => i + 1);
    const r = s.selected.length === 0 ? null : await this.readSelection(kind);
    s.selected = saved;
    if (r === null || !r.ok) {
      return ok({
        kind,
        layout: this.layoutOf(kind, s),
        rows: [],
        hiddenRowsSkipped: 0,
        blankRowsSkipped: 0,
      });
    }
    return r;
  }

  /** Upsert by 发票代码+发票号码 (the optional port method), any schema column. */
  async upsertRows(
    kind: SheetKind,
    rows: ReadonlyArray<{ values: Readonly<Partial<Record<string, string>>> }>
  ) {
    if (!this.sheets.has(kind)) await this.readAll(kind);
    const s = this.sheets.get(kind)!;
    const schema = schemaOf(kind);
    let inserted = 0;
    let updated = 0;
    for (const r of rows) {
      const cols = () => matchHeader(schema, s.grid[0]).columns;
      const at = (key: string) => {
        let c = cols()[key];
        if (c === undefined) {
          s.grid[0].push(schema.columns.find((x) => x.key === key)!.header);
          c = s.grid[0].length - 1;
        }
        return c;
      };
      const code = r.values.invoiceCode ?? "";
      const no = r.values.invoiceNumber ?? "";
      let rowIndex = s.grid.findIndex(
        (row, i) =>
          i > 0 &&
          String(row[at("invoiceNumber")] ?? "") === no &&
          String(row[at("invoiceCode")] ?? "") === code
      );
      if (rowIndex < 0) {
        s.grid.push([]);
        rowIndex = s.grid.length - 1;
        inserted++;
      } else updated++;
      for (const [k, v] of Object.entries(r.values)) s.grid[rowIndex][at(k)] = v ?? null;
    }
    return ok({
      sheetName: schema.title,
      created: false,
      inserted,
      updated,
      unchanged: 0,
      appendedColumns: [],
      rowIndexes: [],
      layout: this.layoutOf(kind, s),
      cancelled: false,
    });
  }

  async writeTable(sheetName: string, headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>) {
    this.tables.set(sheetName, { headers, rows });
    return ok({ sheetName, rows: rows.length, created: true, cancelled: false });
  }

  async clearMarks(): Promise<Result<{ marksCleared: number; cancelled: boolean }>> {
    return ok({ marksCleared: 0, cancelled: false });
  }

  async createSheet(kind: SheetKind): Promise<Result<{ sheetName: string; columns: number }>> {
    this.created.push(kind);
    return ok({ sheetName: schemaOf(kind).title, columns: schemaOf(kind).columns.length });
  }

  annotationMode(): AnnotationMode {
    return "notes";
  }

  /** Cell text by header. */
  cell(kind: SheetKind, row: number, header: string): unknown {
    const sheet = this.sheets.get(kind)!;
    const at = sheet.grid[0].indexOf(header);
    return at < 0 ? undefined : sheet.grid[row]?.[at];
  }
}

export function okResult<T>(data: T, message = ""): GatewayResult<T> {
  return { ok: true, data, message, raw: {}, requestId: "r", attempts: 1 };
}

export function failResult<T>(
  code: Parameters<typeof fail>[0],
  params?: Record<string, string>
): GatewayResult<T> {
  const r = fail(code, params);
  if (r.ok) throw new Error("unreachable");
  return { ok: false, refusal: r.refusal, attempts: 1 };
}

type Handler = (data: unknown) => GatewayResult<unknown> | Promise<GatewayResult<unknown>>;

/**
 * A scripted client: each method answers through a handler keyed by method name (or interfaceCode
 * for `call`); every call is logged with its payload.
 */
export function fakeClient(handlers: Record<string, Handler>) {
  const log: Array<{ method: string; data: unknown }> = [];
  const run = async (method: string, data: unknown) => {
    log.push({ method, data });
    const h = handlers[method];
    if (!h) return failResult("GW_NOT_IMPLEMENTED", { interfaceCode: method });
    return h(data);
  };
  const client = {
    call: async (spec: { interfaceCode: string } | string, data: unknown) => {
      const code = typeof spec === "string" ? spec : spec.interfaceCode;
      const r = await run(code, data);
      return r.ok ? { ...r, data: { decoded: { kind: "json" }, value: r.data } } : r;
    },
    reasonCode: (reason: string, iface: string) => {
      const ordinal = { 开票有误: "1", 销售退回: "2", 服务终止: "3", 销售折让: "4" }[reason];
      return ordinal ? ordinal.padStart(iface === "2.1.04" ? 2 : 1, "0") : undefined;
    },
    quickRedFlushTaxControl: (d: unknown) => run("quickRedFlushTaxControl", d),
    issueTaxControlRed: (d: unknown) => run("issueTaxControlRed", d),
    applyRedInfoForm: (d: unknown) => run("applyRedInfoForm", d),
    downloadRedInfoForms: (d: unknown) => run("downloadRedInfoForms", d),
    redFlushDigital: (d: unknown) => run("redFlushDigital", d),
    applyRedConfirmBill: (d: unknown) => run("applyRedConfirmBill", d),
    revokeRedConfirmBill: (d: unknown) => run("revokeRedConfirmBill", d),
    confirmRedConfirmBill: (d: unknown) => run("confirmRedConfirmBill", d),
    queryRedConfirmBills: (d: unknown) => run("queryRedConfirmBills", d),
    downloadRedConfirmBills: (d: unknown) => run("downloadRedConfirmBills", d),
    startInputCollection: (d: unknown) => run("startInputCollection", d),
    queryInputCollection: (d: unknown) => run("queryInputCollection", d),
    queryInvoice: (d: unknown) => run("queryInvoice", d),
  } as unknown as WorkflowClient;
  return { client, log, calls: (method: string) => log.filter((l) => l.method === method) };
}

export const noYield = async (): Promise<void> => undefined;
