/** The two SQL engines the gateway runs on. */
export type SqlDialectName = "sqlite" | "postgres";
