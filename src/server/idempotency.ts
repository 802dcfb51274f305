/**
 * serialNo as the idempotency key (piaozone-api §1.7): per org, a serialNo runs at most once.
 *
 * The registry row is inserted FIRST in the operation's own transaction; the UNIQUE (org_id,
 * serial_no) constraint does the arbitration:
 * - a repeat after the first committed finds the recorded outcome and answers it again;
 * - two requests in flight: the second one's INSERT waits for the first transaction (PostgreSQL
 *   blocks on the index entry; SQLite runs transactions one at a time), then fails as a duplicate,
 *   rolls back without having executed anything, re-reads and answers the first one's outcome;
 * - the same serialNo with a different request (other interface or data) → GW_DUPLICATE_SERIAL.
 *
 * A refusal that rolls back (the default for refusals) records nothing, so the caller may fix the
 * request and resend with the same serialNo; a kept refusal (`keep: true`) is recorded like a success.
 *
 * Where transactions never overlap (SQLite: one connection, tx.ts runsTransactionsSerially) no
 * INSERT is needed to arbitrate: the record is read inside the operation's transaction and written
 * once, finished, at its end — two statements instead of a read, an INSERT and an UPDATE. Nothing
 * can register the serialNo between that read and that write, and on PostgreSQL — two gateways, or
 * a pool of connections — the INSERT-first path above stays.
 */
import { JsonDecimal, parseJsonExact, stringifyJson } from "../gateway/json";
import type { Refusal } from "../domain/refusals";
import type { Row } from "./db/schema";
import {
  type Db,
  type Tx,
  RollbackWith,
  isUniqueViolation,
  runsTransactionsSerially,
  withTxOrRollback,
} from "./db/tx";
import { type Outcome, refuse } from "./registry";

export interface IdempotencyKey {
  readonly orgId: number;
  readonly serialNo: string;
  readonly interfaceCode: string;
  /** payload.requestHash(): identifies "the same request". */
  readonly requestHash: string;
}

export interface IdempotentResult {
  readonly outcome: Outcome;
  /** True when the answer is the recorded one of an earlier execution. */
  readonly replayed: boolean;
}

const MAX_RACE_RETRIES = 3;

/** The registry INSERT met an existing (org, serialNo): another request holds or held the key. */
class SerialTaken extends Error {
  constructor() {
    super("serialNo already registered");
    this.name = "SerialTaken";
  }
}

interface StoredOutcome {
  ok: boolean;
  data?: unknown;
  message?: string;
  refusal?: Refusal;
  errorCode?: string;
}

function serialize(o: Outcome): string {
  const stored: StoredOutcome = o.ok
    ? { ok: true, data: o.data, message: o.message }
    : { ok: false, data: o.data, refusal: o.refusal, errorCode: o.errorCode };
  return stringifyJson(stored);
}

function deserialize(json: string): Outcome {
  const s = parseJsonExact(json, { numbers: "decimal" }) as StoredOutcome;
  if (s.ok)
    return {
      ok: true,
      ...(s.data === undefined ? {} : { data: s.data }),
      ...(s.message === undefined ? {} : { message: s.message }),
    };
  const r = s.refusal as Refusal;
  // Refusal params were strings or integers; integers came back as JsonDecimal.
  const params = r.params
    ? Object.fromEntries(
        Object.entries(r.params).map(([k, v]) => [k, (v as unknown) instanceof JsonDecimal ? String(v) : v])
      )
    : undefined;
  return {
    ok: false,
    refusal: { ...r, ...(params ? { params } : {}) },
    keep: true,
    ...(s.data === undefined ? {} : { data: s.data }),
    ...(s.errorCode === undefined ? {} : { errorCode: s.errorCode }),
  };
}

async function readRecord(db: Db | Tx, key: IdempotencyKey): Promise<Row<"idempotency"> | undefined> {
  return db
    .selectFrom("idempotency")
    .selectAll()
    .where("org_id", "=", key.orgId)
    .where("serial_no", "=", key.serialNo)
    .executeTakeFirst();
}

function replay(row: Row<"idempotency">, key: IdempotencyKey): IdempotentResult {
  if (row.request_hash !== key.requestHash) {
    return { outcome: refuse("GW_DUPLICATE_SERIAL", { serialNo: key.serialNo }), replayed: true };
  }
  return { outcome: deserialize(row.result_json), replayed: true };
}

/**
 * Run `exec` at most once for (org, serialNo), in one transaction with the registry row.
 * `exec` gets the transaction; everything it writes commits with the recorded outcome.
 */
export async function runIdempotent(
  db: Db,
  key: IdempotencyKey,
  now: number,
  exec: (tx: Tx) => Promise<Outcome>
): Promise<IdempotentResult> {
  if (runsTransactionsSerially(db)) return runSerially(db, key, now, exec);
  for (let attempt = 0; ; attempt++) {
    const recorded = await readRecord(db, key);
    if (recorded) return replay(recorded, key);
    try {
      return await withTxOrRollback<IdempotentResult>(db, async (tx) => {
        try {
          await tx
            .insertInto("idempotency")
            .values({
              org_id: key.orgId,
              serial_no: key.serialNo,
              interface_code: key.interfaceCode,
              request_hash: key.requestHash,
              status: "running",
              result_json: "",
              created_at: now,
            })
            .execute();
        } catch (e) {
          throw isUniqueViolation(e) ? new SerialTaken() : e;
        }
        const outcome = await exec(tx);
        if (!outcome.ok && !outcome.keep)
          throw new RollbackWith<IdempotentResult>({ outcome, replayed: false });
        await tx
          .updateTable("idempotency")
          .set({ status: "done", result_json: serialize(outcome) })
          .where("org_id", "=", key.orgId)
          .where("serial_no", "=", key.serialNo)
          .execute();
        return { outcome, replayed: false };
      });
    } catch (e) {
      // Lost the race: the other request committed first. Loop to read its outcome (or, if it
      // rolled back meanwhile, to run ourselves). A duplicate key raised by `exec` itself is the
      // handler's error and propagates.
      if (!(e instanceof SerialTaken) || attempt >= MAX_RACE_RETRIES) throw e;
    }
  }
}

/** `runIdempotent` where no two transactions overlap: read, execute and record in one transaction. */
function runSerially(
  db: Db,
  key: IdempotencyKey,
  now: number,
  exec: (tx: Tx) => Promise<Outcome>
): Promise<IdempotentResult> {
  return withTxOrRollback<IdempotentResult>(db, async (tx) => {
    const recorded = await readRecord(tx, key);
    if (recorded) return replay(recorded, key);
    const outcome = await exec(tx);
    if (!outcome.ok && !outcome.keep) throw new RollbackWith<IdempotentResult>({ outcome, replayed: false });
    await tx
      .insertInto("idempotency")
      .values({
        org_id: key.orgId,
        serial_no: key.serialNo,
        interface_code: key.interfaceCode,
        request_hash: key.requestHash,
        status: "done",
        result_json: serialize(outcome),
        created_at: now,
      })
      .execute();
    return { outcome, replayed: false };
  });
}
