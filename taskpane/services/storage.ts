/**
 * Where the pane keeps its settings: partitioned localStorage keyed by Office.context.partitionKey
 * (research notes §2 Storage), or memory when there is none. Never workbook settings or cells: those
 * travel with the file, and a token or appSecret must not.
 */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  /**
   * Whether secrets (appSecret, AES password) may be written here: memory, or a storage partitioned
   * by Office.context.partitionKey. False for an origin's shared localStorage (no partition key):
   * every add-in and page served from that origin reads it.
   */
  readonly holdsSecrets: boolean;
}

export function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return {
    get: (k) => m.get(k) ?? null,
    set: (k, v) => void m.set(k, v),
    remove: (k) => void m.delete(k),
    holdsSecrets: true,
  };
}

/**
 * Keys are prefixed with the partition key, so two add-in instances that share a storage origin do
 * not read each other's data. Without a partition key (Windows WebView, where storage is not
 * partitioned and partitionKey is undefined) the storage is the origin's, shared: settings are kept
 * there unprefixed, secrets never (`holdsSecrets` false).
 */
export function partitionedStore(
  storage: Storage | null | undefined,
  partitionKey: string | undefined
): KeyValueStore {
  if (!storage) return memoryStore();
  const prefix = partitionKey ? `${partitionKey}:` : "";
  try {
    const probe = `${prefix}hongchong:probe`;
    storage.setItem(probe, "1");
    storage.removeItem(probe);
  } catch {
    // Storage disabled (private mode, policy): keep everything in memory.
    return memoryStore();
  }
  return {
    get: (k) => storage.getItem(prefix + k),
    set: (k, v) => storage.setItem(prefix + k, v),
    remove: (k) => storage.removeItem(prefix + k),
    holdsSecrets: prefix !== "",
  };
}
