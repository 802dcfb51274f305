/**
 * Opening the database: better-sqlite3 file database by default (embedded, `<dataDir>/hongchong.sqlite`),
 * PostgreSQL when a `DATABASE_URL` is given. Both are migrated to the latest schema on open.
 *
 * SQLite durability: WAL journal + `synchronous=FULL` — a committed transaction is fsynced to the WAL
 * before COMMIT returns, so a SIGKILL (or power loss) never loses it; an uncommitted one leaves nothing.
 *
 * SQLite statements are prepared once per SQL text and kept (`StatementCache`): Kysely's driver
 * prepares on every query, and preparing costs ten times what running a prepared lookup does.
 * Transactions begin IMMEDIATE (the write lock is taken at BEGIN, so a transaction that reads before
 * it writes cannot find its snapshot stale when another process wrote meanwhile) and share COMMITs
 * when they queue (group commit, tx.ts).
 */
import fs from "fs";
import path from "path";
import BetterSqlite3 from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
  sql,
} from "kysely";
import { Pool, types as pgTypes } from "pg";
import type { SqlDialectName } from "./dialect";
import { InCodeMigrationProvider } from "./migrations";
import { enableGroupCommit } from "./tx";
import type { Database } from "./schema";

export type { SqlDialectName } from "./dialect";

export const SQLITE_FILE_NAME = "hongchong.sqlite";
export const DEFAULT_DATA_DIR = ".data";
/** How long a SQLite writer waits for another process's lock before failing (ms). */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export interface DbHandle {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialectName;
  /** File path or redacted URL, for logs. */
  readonly location: string;
  /** PostgreSQL schema the handle is confined to (search_path), if any. */
  readonly pgSchema?: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when set, PostgreSQL is used. */
  readonly databaseUrl?: string;
  /** PostgreSQL schema to use (created if missing) — tests use one per run. Default: the server's search_path. */
  readonly pgSchema?: string;
  /** Directory of the SQLite file. Default resolveDataDir(). */
  readonly dataDir?: string;
  /** SQLite file (overrides dataDir); ":memory:" for throwaway databases in tests. */
  readonly sqliteFile?: string;
  /** Run migrations on open (default true). */
  readonly migrate?: boolean;
}

/** `--data DIR`, else HONGCHONG_DATA_DIR, else `.data/` under the working directory. */
export function resolveDataDir(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd()
): string {
  const dir = explicit ?? env.HONGCHONG_DATA_DIR ?? DEFAULT_DATA_DIR;
  return path.resolve(cwd, dir);
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

const PG_INT8_OID = 20;

/**
 * pg returns BIGINT as a string (it may exceed 2^53). Our BIGINT columns are ids and epoch ms, far
 * below 2^53, so they are read as numbers — per pool, without touching pg's global parsers.
 */
function pgTypeParsers() {
  return {
    getTypeParser: ((oid: number, format?: "text" | "binary") =>
      oid === PG_INT8_OID
        ? (v: string) => Number(v)
        : (pgTypes.getTypeParser as (o: number, f?: string) => unknown)(
            oid,
            format
          )) as typeof pgTypes.getTypeParser,
  };
}

function isSafeIdentifier(s: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(s);
}

async function openPostgres(url: string, schema: string | undefined): Promise<DbHandle> {
  if (schema !== undefined && !isSafeIdentifier(schema))
    throw new Error(`bad PostgreSQL schema name: ${schema}`);
  const pool = new Pool({
    connectionString: url,
    max: 10,
    types: pgTypeParsers(),
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  return {
    db,
    dialect: "postgres",
    location: redactUrl(url) + (schema ? ` (schema ${schema})` : ""),
    ...(schema ? { pgSchema: schema } : {}),
    close: () => db.destroy(),
  };
}

/**
 * Owner-only access (D7): the database holds AES passwords and every tenant's invoices. A directory we
 * create is 0700; the database and its WAL/SHM files are 0600 whatever the umask (an existing
 * directory is the user's choice and is left as it is).
 */
function restrictSqliteFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(f, 0o600);
    } catch {
      // not created yet (WAL/SHM appear on first write) or not ours to change
    }
  }
}

/** Prepared statements kept per connection (distinct SQL texts; the gateway uses a few hundred). */
export const SQLITE_STATEMENT_CACHE_SIZE = 1000;

/**
 * better-sqlite3 as Kysely's driver sees it, with each SQL text prepared once. A statement still
 * being iterated (a streamed select) is `busy` and cannot run again until it is done, so such a
 * query gets a fresh statement of its own. Least recently used texts are dropped past `max`.
 */
export class StatementCache implements SqliteDatabase {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    readonly database: BetterSqlite3.Database,
    private readonly max = SQLITE_STATEMENT_CACHE_SIZE
  ) {}

  prepare(text: string): SqliteStatement {
    const cached = this.statements.get(text);
    if (cached && !cached.busy) {
      this.statements.delete(text); // re-inserted: most recently used last
      this.statements.set(text, cached);
      return cached as unknown as SqliteStatement;
    }
    const stmt = this.database.prepare(text);
    if (!cached) {
      this.statements.set(text, stmt);
      if (this.statements.size > this.max) this.statements.delete(this.statements.keys().next().value!);
    }
    return stmt as unknown as SqliteStatement;
  }

  close(): void {
    this.statements.clear();
    this.database.close();
  }
}

/** Kysely's SQLite driver with BEGIN IMMEDIATE (see the header). */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class GatewaySqliteDialect extends SqliteDialect {
  constructor(private readonly sqliteConfig: SqliteDialectConfig) {
    super(sqliteConfig);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.sqliteConfig);
  }
}

function openSqlite(file: string): DbHandle {
  if (file !== ":memory:") {
    const dir = path.dirname(file);
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  const database = new BetterSqlite3(file);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = FULL");
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  database.pragma("foreign_keys = ON");
  if (file !== ":memory:") restrictSqliteFiles(file);
  const db = new Kysely<Database>({
    dialect: new GatewaySqliteDialect({ database: new StatementCache(database) }),
  });
  enableGroupCommit(db);
  return { db, dialect: "sqlite", location: file, close: () => db.destroy() };
}

/** Bring the schema to the latest migration; throws with the failing migration's error. */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  pgSchema?: string
): Promise<void> {
  // With a schema, the migrator's own tables live in it too (its existence check looks at every
  // schema, so another schema's kysely_migration table would otherwise fool it).
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrationProvider(dialect),
    ...(pgSchema ? { migrationTableSchema: pgSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    const msg = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed?.migrationName ?? ""} failed: ${msg}`);
  }
}

export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<DbHandle> {
  const handle = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl, opts.pgSchema)
    : openSqlite(opts.sqliteFile ?? path.join(resolveDataDir(opts.dataDir), SQLITE_FILE_NAME));
  if (opts.migrate ?? true) {
    try {
      await migrateToLatest(handle.db, handle.dialect, handle.pgSchema);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }
  return handle;
}

/** Drop a PostgreSQL schema (test clean-up). */
export async function dropPgSchema(url: string, schema: string): Promise<void> {
  if (!isSafeIdentifier(schema)) throw new Error(`bad PostgreSQL schema name: ${schema}`);
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await pool.end();
  }
}

/** A cheap liveness query for /health. */
export async function pingDatabase(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
