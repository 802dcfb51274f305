/**
 * Isolation by construction. Business tables (schema.ts ORG_TABLES) are reached through an
 * `OrgScope`, built with the caller's org id: every select/update/delete it starts already carries
 * `where <table>.org_id = :org`, and every insert gets `org_id` filled in. A handler is never handed
 * a bare query builder for business data, so an unscoped query cannot be written by accident.
 *
 * The simulated tax bureau's tables are reached through `BureauView`, built with a tax ID: reads see
 * only records where that tax ID is a party.
 *
 * Acting on another organisation (the counterparty of a 红字确认单, the bureau pushing a status) is
 * possible but explicit: `scope.forOrg(otherOrgId)`, which is easy to find in review.
 */
import {
  type DeleteQueryBuilder,
  type DeleteResult,
  type InsertQueryBuilder,
  type InsertResult,
  type Insertable,
  type SelectQueryBuilder,
  type UpdateQueryBuilder,
  type UpdateResult,
  sql,
} from "kysely";
import type { SqlDialectName } from "./dialect";
import type { Database, OrgTable, Row } from "./schema";
import { type Queryable, appendAudit, lockForUpdate } from "./tx";

/** An insert into an org table: everything but `org_id`, which the scope supplies. */
export type OrgInsert<T extends OrgTable> = Omit<Insertable<Database[T]>, "org_id">;

type Empty = Record<never, never>;

export class OrgScope {
  constructor(
    /** The transaction (or database) the scope runs on. */
    readonly q: Queryable,
    readonly orgId: number,
    readonly dialect: SqlDialectName,
    /** Written to audit rows. */
    readonly actor: string,
    /** The instant the operation happens at (one per request: every row of it carries the same time). */
    readonly at: number
  ) {
    if (!Number.isSafeInteger(orgId) || orgId <= 0)
      throw new RangeError(`OrgScope needs an org id, got ${orgId}`);
  }

  private orgFilter(table: OrgTable) {
    return sql<boolean>`${sql.ref(`${table}.org_id`)} = ${this.orgId}`;
  }

  /** `select … from <table> where <table>.org_id = :org` — add columns, filters, joins. */
  selectFrom<T extends OrgTable>(table: T): SelectQueryBuilder<Database, T, Empty> {
    const qb = this.q.selectFrom(table as OrgTable) as unknown as SelectQueryBuilder<Database, T, Empty>;
    return qb.where(this.orgFilter(table));
  }

  /** `update <table> … where org_id = :org` — add `.set(…)` and more filters. */
  updateTable<T extends OrgTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult> {
    const qb = this.q.updateTable(table as OrgTable) as unknown as UpdateQueryBuilder<
      Database,
      T,
      T,
      UpdateResult
    >;
    return qb.where(this.orgFilter(table));
  }

  /** `delete from <table> where org_id = :org` — add filters. */
  deleteFrom<T extends OrgTable>(table: T): DeleteQueryBuilder<Database, T, DeleteResult> {
    const qb = this.q.deleteFrom(table as OrgTable) as unknown as DeleteQueryBuilder<
      Database,
      T,
      DeleteResult
    >;
    return qb.where(this.orgFilter(table));
  }

  /** `insert into <table>` with `org_id` set on every row. */
  insertInto<T extends OrgTable>(
    table: T,
    values: OrgInsert<T> | readonly OrgInsert<T>[]
  ): InsertQueryBuilder<Database, T, InsertResult> {
    const rows = (Array.isArray(values) ? values : [values]).map((v) => ({ ...v, org_id: this.orgId }));
    const qb = this.q.insertInto(table as OrgTable) as unknown as InsertQueryBuilder<
      Database,
      T,
      InsertResult
    >;
    return qb.values(rows as never);
  }

  /** Insert one row and return its id. */
  async insertReturningId<T extends OrgTable>(table: T, values: OrgInsert<T>): Promise<number> {
    const row = (await this.insertInto(table, values)
      .returning(sql<number>`id`.as("id") as never)
      .executeTakeFirstOrThrow()) as unknown as { id: number };
    return Number(row.id);
  }

  /** `selectFrom(table)` with `FOR UPDATE` on PostgreSQL (rows stay locked until commit). */
  selectForUpdate<T extends OrgTable>(table: T): SelectQueryBuilder<Database, T, Empty> {
    return lockForUpdate(this.selectFrom(table), this.dialect);
  }

  /** Append an audit row for this org in the same transaction. */
  async audit(
    entity: string,
    entityId: string | number,
    action: string,
    before?: unknown,
    after?: unknown
  ): Promise<void> {
    await appendAudit(this.q, {
      orgId: this.orgId,
      actor: this.actor,
      entity,
      entityId,
      action,
      before,
      after,
      at: this.at,
    });
  }

  /**
   * The same transaction, scoped to another organisation — for the sandbox's two-party flows
   * (the counterparty's copy of a 红字确认单). Deliberately explicit.
   */
  forOrg(orgId: number, actor = this.actor): OrgScope {
    return new OrgScope(this.q, orgId, this.dialect, actor, this.at);
  }
}

/** Bureau tables and the column(s) holding the tax IDs of the parties that may read a row. */
const BUREAU_PARTY_COLUMNS = {
  bureau_confirm_bills: ["seller_tax_id", "buyer_tax_id"],
  bureau_info_forms: ["seller_tax_id", "buyer_tax_id"],
  bureau_invoices: ["buyer_tax_id"],
} as const;
export type BureauTable = keyof typeof BUREAU_PARTY_COLUMNS;

/**
 * The simulated tax bureau as one enterprise (a tax ID) sees it. Reads are limited to rows where the
 * tax ID is a party; writes are the bureau's own (the sandbox acting as the bureau) and are audited.
 */
export class BureauView {
  constructor(
    readonly q: Queryable,
    readonly taxId: string,
    readonly at: number
  ) {}

  selectFrom<T extends BureauTable>(table: T): SelectQueryBuilder<Database, T, Empty> {
    const cols = BUREAU_PARTY_COLUMNS[table];
    const qb = this.q.selectFrom(table as BureauTable) as unknown as SelectQueryBuilder<Database, T, Empty>;
    const party = sql.join(
      cols.map((c) => sql`${sql.ref(`${table}.${c}`)} = ${this.taxId}`),
      sql` or `
    );
    return qb.where(sql<boolean>`(${party})`);
  }

  /**
   * Rows by primary key, in no particular order, kept only where this tax ID is a party — the same
   * rule as `selectFrom`, applied to the fetched rows. (In SQL, `id in (…)` next to `selectFrom`'s
   * `seller_tax_id = ? or buyer_tax_id = ?` lets SQLite walk both party indexes — every bill of the
   * party, 100,000 for a busy seller — instead of looking up the page's keys: 2.1.13 at 100,000 bills
   * spent 90% of its time there.) Ids in chunks of 500, within both engines' parameter limits.
   */
  async selectByIds<T extends BureauTable>(table: T, ids: readonly number[]): Promise<Row<T>[]> {
    const cols = BUREAU_PARTY_COLUMNS[table] as readonly string[];
    const out: Row<T>[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = (await this.q
        .selectFrom(table as BureauTable)
        .selectAll()
        .where("id", "in", ids.slice(i, i + 500))
        .execute()) as unknown as Row<T>[];
      for (const r of rows)
        if (cols.some((c) => (r as Record<string, unknown>)[c] === this.taxId)) out.push(r);
    }
    return out;
  }

  /**
   * Rows where this tax ID stands in one party column (`seller_tax_id = :taxId`): a subset of
   * `selectFrom`'s, for lists read one side at a time — the filter is the side's index prefix, and
   * no other party column has to be read (a page or a COUNT stays inside the index).
   */
  selectAsParty<T extends BureauTable>(
    table: T,
    column: (typeof BUREAU_PARTY_COLUMNS)[T][number]
  ): SelectQueryBuilder<Database, T, Empty> {
    if (!(BUREAU_PARTY_COLUMNS[table] as readonly string[]).includes(column))
      throw new RangeError(`${column} is not a party column of ${table}`);
    const qb = this.q.selectFrom(table as BureauTable) as unknown as SelectQueryBuilder<Database, T, Empty>;
    return qb.where(sql<boolean>`${sql.ref(`${table}.${column}`)} = ${this.taxId}`);
  }

  /** The bureau writing its own records (no party filter: the bureau decides what it stores). */
  insertInto<T extends BureauTable>(
    table: T,
    values: Insertable<Database[T]>
  ): InsertQueryBuilder<Database, T, InsertResult> {
    const qb = this.q.insertInto(table as BureauTable) as unknown as InsertQueryBuilder<
      Database,
      T,
      InsertResult
    >;
    return qb.values(values as never);
  }

  /** Update rows this tax ID is a party to. */
  updateTable<T extends BureauTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult> {
    const cols = BUREAU_PARTY_COLUMNS[table];
    const qb = this.q.updateTable(table as BureauTable) as unknown as UpdateQueryBuilder<
      Database,
      T,
      T,
      UpdateResult
    >;
    const party = sql.join(
      cols.map((c) => sql`${sql.ref(c)} = ${this.taxId}`),
      sql` or `
    );
    return qb.where(sql<boolean>`(${party})`);
  }

  async audit(
    entity: string,
    entityId: string | number,
    action: string,
    before?: unknown,
    after?: unknown
  ): Promise<void> {
    await appendAudit(this.q, {
      orgId: null,
      actor: "bureau",
      entity,
      entityId,
      action,
      before,
      after,
      at: this.at,
    });
  }
}

// ── the directory: tenants, orgs, users, apps are not business data ───────────────

export async function findOrgByTaxId(q: Queryable, taxId: string): Promise<Row<"orgs"> | undefined> {
  return q.selectFrom("orgs").selectAll().where("tax_id", "=", taxId).executeTakeFirst();
}

export async function findOrgById(q: Queryable, id: number): Promise<Row<"orgs"> | undefined> {
  return q.selectFrom("orgs").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The callback URL registered by an org for a businessSystemCode (系统管理 → 业务系统). */
export async function callbackUrlFor(
  scope: OrgScope,
  businessSystemCode: string
): Promise<string | undefined> {
  const row = await scope
    .selectFrom("callback_endpoints")
    .select("url")
    .where("business_system_code", "=", businessSystemCode)
    .executeTakeFirst();
  return row?.url;
}

// ── lists ─────────────────────────────────────────────────────────────────────────────────────

/** A list's page: the COUNT of the filtered rows and the rows of page `pageNo` (1-based). */
export interface ListPage<O> {
  readonly total: number;
  readonly rows: O[];
}

/**
 * One page of a filtered list, cut in SQL: `total` is a COUNT with the same filters, the rows are
 * `ordered(filtered)` with LIMIT/OFFSET — the order must be total (end on a unique column, e.g. id)
 * so consecutive pages neither repeat nor skip a row. An offset at or past the end reads no rows.
 */
export async function listPage<DB, TB extends keyof DB, O>(
  filtered: SelectQueryBuilder<DB, TB, Empty>,
  ordered: (q: SelectQueryBuilder<DB, TB, Empty>) => SelectQueryBuilder<DB, TB, O>,
  pageNo: number,
  pageSize: number
): Promise<ListPage<O>> {
  const counted = await filtered.select(sql<number | string>`count(*)`.as("n")).executeTakeFirstOrThrow();
  const total = Number((counted as { n: number | string }).n);
  const offset = (pageNo - 1) * pageSize;
  if (!(offset >= 0 && offset < total)) return { total, rows: [] };
  const rows = (await ordered(filtered).limit(pageSize).offset(offset).execute()) as O[];
  return { total, rows };
}
