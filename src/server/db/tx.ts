/**
 * Transactions and the helpers every multi-step operation uses inside one: `withTx` (one
 * transaction; throw = roll back), `appendAudit` (the audit row is written in the same transaction
 * as the change it records), `nextSequence` (gap-free counters for numbers the sandbox issues),
 * `isUniqueViolation` (both engines' duplicate-key errors).
 *
 * SQLite note: Kysely's SqliteDialect has one connection guarded by a mutex, so a transaction holds
 * the database until it ends. Inside `withTx` use only the transaction object you are given — a
 * query through the outer `db` would wait for the mutex forever.
 */
import { type Kysely, type Transaction, sql } from "kysely";
import { stringifyJson } from "../../gateway/json";
import type { SqlDialectName } from "./dialect";
import type { Database } from "./schema";

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Anything queries can run on: the database or an open transaction. */
export type Queryable = Kysely<Database>;

/** Run `fn` in one transaction: committed when it returns, rolled back when it throws. */
export async function withTx<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/**
 * Thrown inside `withTx` to roll back while still answering something (e.g. a refusal that must
 * leave no trace). Catch it with `rolledBackValue`.
 */
export class RollbackWith<T> extends Error {
  constructor(readonly value: T) {
    super("transaction rolled back on purpose");
    this.name = "RollbackWith";
  }
}

/** `withTx`, where a thrown `RollbackWith` becomes the return value (after the rollback). */
export async function withTxOrRollback<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await withTx(db, fn);
  } catch (e) {
    if (e instanceof RollbackWith) return e.value as T;
    throw e;
  }
}

/** Duplicate key: better-sqlite3 `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, PostgreSQL SQLSTATE 23505. */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

export interface AuditEntry {
  readonly orgId: number | null;
  /** "user:<username>", "bureau", "system", "seed", "sandbox-admin". */
  readonly actor: string;
  /** Table or concept, e.g. "red_confirm_forms". */
  readonly entity: string;
  readonly entityId: string | number;
  /** Verb, e.g. "create", "enter", "confirm", "revoke", "issue". */
  readonly action: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly at: number;
}

function auditJson(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return stringifyJson(v);
}

/** Append an audit row; call it with the same transaction that made the change. */
export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  await tx
    .insertInto("audit")
    .values({
      org_id: entry.orgId,
      actor: entry.actor,
      entity: entry.entity,
      entity_id: String(entry.entityId),
      action: entry.action,
      before_json: auditJson(entry.before),
      after_json: auditJson(entry.after),
      at: entry.at,
    })
    .execute();
}

/**
 * Next value (1, 2, 3…) of a named counter, atomically, in the caller's transaction — used for the
 * numbers the sandbox hands out (invoice numbers, 红字确认单编号, task ids). Rolled back with it.
 */
export async function nextSequence(tx: Queryable, name: string): Promise<number> {
  const row = await tx
    .insertInto("meta")
    .values({ key: `seq:${name}`, value: "1" })
    .onConflict((oc) =>
      oc
        .column("key")
        .doUpdateSet({ value: sql<string>`cast(cast(${sql.ref("meta.value")} as integer) + 1 as text)` })
    )
    .returning("value")
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

export async function getMeta(q: Queryable, key: string): Promise<string | undefined> {
  const row = await q.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value;
}

export async function setMeta(q: Queryable, key: string, value: string): Promise<void> {
  await q
    .insertInto("meta")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
}

/**
 * Lock the selected rows until the transaction ends (PostgreSQL `FOR UPDATE`). SQLite needs no row
 * locks: a write transaction excludes all other writers (and our single connection excludes everyone).
 */
export function lockForUpdate<QB extends { forUpdate(): QB }>(qb: QB, dialect: SqlDialectName): QB {
  return dialect === "postgres" ? qb.forUpdate() : qb;
}
