/**
 * Transactions and the helpers every multi-step operation uses inside one: `withTx` (one
 * transaction; throw = roll back), `appendAudit` (the audit row is written in the same transaction
 * as the change it records), `nextSequence` (gap-free counters for numbers the sandbox issues),
 * `isUniqueViolation` (both engines' duplicate-key errors).
 *
 * SQLite note: Kysely's SqliteDialect has one connection guarded by a mutex, so a transaction holds
 * the database until it ends. Inside `withTx` use only the transaction object you are given — a
 * query through the outer `db` would wait for the mutex forever.
 *
 * Group commit (SQLite, issue 12 item 2). SQLite has one writer and `synchronous=FULL` fsyncs the WAL
 * at every COMMIT, so under load requests queue for the connection and each pays a whole fsync.
 * `withTx` on a database opened by openDatabase therefore queues its transaction, and the queue is
 * drained by one physical transaction: the first queued transaction runs right after BEGIN, each
 * further one inside its own SAVEPOINT (a throw rolls back to it, undoing that one alone), and one
 * COMMIT ends the group when the queue is empty (or GROUP_COMMIT_MAX transactions ran). With no
 * queue — one request at a time — a group is one transaction, exactly as before.
 *
 * Why no answer can get ahead of its data:
 * - `withTx` resolves (and so a handler's answer is sent) only after the COMMIT of the group that
 *   holds its writes has returned, i.e. after the fsync; a SIGKILL before that returns leaves none
 *   of the group in the database and no answer sent, so the client resends (same serialNo) and it
 *   runs again — exactly what a kill before a lone transaction's COMMIT does.
 * - A failed transaction's answer (a refusal rolled back with RollbackWith) also waits for the group's
 *   COMMIT: what it read may be an earlier member's writes, which are durable only then. A COMMIT
 *   that fails rejects every member with that error; none was answered.
 * - A transaction sees its group's earlier members' writes (one connection). That is the order they
 *   would commit in anyway, and they commit or vanish together, so no reader ever sees a state that
 *   was not (or will not be) durable: queries outside a transaction wait for the connection, which the
 *   group holds until its COMMIT.
 *
 * PostgreSQL runs transactions side by side (its own group commit is the server's); a transaction
 * that loses a deadlock or a serialization check (40P01 / 40001) rolled back whole and is run again
 * (PG_TX_ATTEMPTS), so two gateways racing for the same rows answer instead of failing.
 */
import { type ControlledTransaction, type Kysely, type Transaction, sql } from "kysely";
import { stringifyJson } from "../../gateway/json";
import type { SqlDialectName } from "./dialect";
import type { Database } from "./schema";

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Anything queries can run on: the database or an open transaction. */
export type Queryable = Kysely<Database>;

/** Transactions one SQLite COMMIT may carry at most (bounds a group's wait for its fsync). */
export const GROUP_COMMIT_MAX = 64;
/** Runs of a PostgreSQL transaction that deadlocks or fails serialization, before its error stands. */
export const PG_TX_ATTEMPTS = 4;

/**
 * Run `fn` in one transaction: committed when it returns, rolled back when it throws. On a database
 * with group commit (SQLite, enableGroupCommit) it may share its COMMIT; it resolves after that COMMIT.
 * `fn` must have no effect outside the transaction (it may run again on PostgreSQL, see above).
 */
export async function withTx<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const group = groupCommits.get(db);
  if (group) return group.run(fn);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (e) {
      if (attempt >= PG_TX_ATTEMPTS || !isRetryableConflict(e)) throw e;
    }
  }
}

/** PostgreSQL deadlock_detected (40P01) or serialization_failure (40001): the whole transaction rolled back. */
export function isRetryableConflict(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return code === "40P01" || code === "40001";
}

interface QueuedTx {
  readonly fn: (tx: Tx) => Promise<unknown>;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

const groupCommits = new WeakMap<Db, GroupCommit>();

/** Make `withTx` on `db` share COMMITs (see the header). For a single-connection SQLite database only. */
export function enableGroupCommit(db: Db, max = GROUP_COMMIT_MAX): void {
  groupCommits.set(db, new GroupCommit(db, max));
}

/** True when `db`'s transactions run one at a time (SQLite with group commit): no two overlap. */
export function runsTransactionsSerially(db: Db): boolean {
  return groupCommits.has(db);
}

/** How many physical COMMITs carried how many transactions (for benches and tests). */
export function groupCommitStats(db: Db): { commits: number; transactions: number } | undefined {
  const g = groupCommits.get(db);
  return g ? { commits: g.commits, transactions: g.transactions } : undefined;
}

class GroupCommit {
  private readonly queue: QueuedTx[] = [];
  private draining = false;
  commits = 0;
  transactions = 0;

  constructor(
    private readonly db: Db,
    private readonly max: number
  ) {}

  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) await this.group();
    } finally {
      this.draining = false;
    }
  }

  /** One physical transaction: queued members until the queue is empty, then one COMMIT. */
  private async group(): Promise<void> {
    let trx: ControlledTransaction<Database>;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (e) {
      // BEGIN failed (database closed, locked past busy_timeout): the first in line gets the error.
      this.queue.shift()?.reject(e);
      return;
    }
    const members: { tx: QueuedTx; ok: boolean; value: unknown }[] = [];
    /** The member running now: not yet in `members`, so a failure of the group reaches it too. */
    let current: QueuedTx | undefined;
    try {
      while (this.queue.length > 0 && members.length < this.max) {
        current = this.queue.shift() as QueuedTx;
        if (members.length === 0) {
          // The first member needs no savepoint: if it throws, nothing else is in the transaction.
          let value: unknown;
          try {
            value = await current.fn(trx);
          } catch (e) {
            await trx
              .rollback()
              .execute()
              .catch(() => undefined);
            current.reject(e);
            return;
          }
          members.push({ tx: current, ok: true, value });
          current = undefined;
          continue;
        }
        await sql`savepoint hc_group_member`.execute(trx);
        let outcome: { ok: boolean; value: unknown };
        try {
          outcome = { ok: true, value: await current.fn(trx) };
          await sql`release hc_group_member`.execute(trx);
        } catch (e) {
          await sql`rollback to hc_group_member`.execute(trx);
          await sql`release hc_group_member`.execute(trx);
          outcome = { ok: false, value: e };
        }
        members.push({ tx: current, ...outcome });
        current = undefined;
      }
      await trx.commit().execute();
    } catch (e) {
      // A statement of the group's own (SAVEPOINT, RELEASE, COMMIT) failed, or SQLite rolled the
      // transaction back by itself: nothing of the group is durable, so nobody is answered success.
      if (!trx.isCommitted && !trx.isRolledBack)
        await trx
          .rollback()
          .execute()
          .catch(() => undefined);
      for (const m of members) m.tx.reject(e);
      current?.reject(e);
      return;
    }
    this.commits++;
    this.transactions += members.length;
    for (const m of members) (m.ok ? m.tx.resolve : m.tx.reject)(m.value);
  }
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
