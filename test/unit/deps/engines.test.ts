/**
 * Issue 12 §8: the Node versions package.json declares are ones every installed dependency declares too, and
 * the Node running the tests (CI: Node 20) is one of them — so `npm ci` prints no EBADENGINE and `.ci/run`'s
 * `npm ci --engine-strict` cannot fail on an engine. Checked on the lock file (what `npm ci` installs), on every
 * release line the project claims, sampled at each minor x.y.0 and x.y.99.
 */
import fs from "fs";
import path from "path";
// semver 6 (a transitive dependency of the toolchain, untyped here) has satisfies(); subset() came later.
const { satisfies, validRange } = require("semver") as {
  satisfies(version: string, range: string): boolean;
  validRange(range: string): string | null;
};

const ROOT = path.resolve(__dirname, "../../..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
};
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { engines?: unknown; optional?: boolean; os?: string[]; cpu?: string[] }>;
};

/** Node versions in the project's range: x.y.0 and x.y.99 for majors 16–30, minors 0–40. */
function claimedVersions(range: string): string[] {
  const out: string[] = [];
  for (let major = 16; major <= 30; major++)
    for (let minor = 0; minor <= 40; minor++)
      for (const patch of [0, 99]) {
        const v = `${major}.${minor}.${patch}`;
        if (satisfies(v, range)) out.push(v);
      }
  return out;
}

/** Packages npm installs on this platform (optional ones for another os/cpu are skipped by npm ci). */
function installedHere(meta: { optional?: boolean; os?: string[]; cpu?: string[] }): boolean {
  if (!meta.optional) return true;
  const osOk = !meta.os || meta.os.includes(process.platform);
  const cpuOk = !meta.cpu || meta.cpu.includes(process.arch);
  return osOk && cpuOk;
}

describe("declared engines", () => {
  const range = pkg.engines.node;

  it("the project's range is valid and holds the Node running the tests", () => {
    expect(validRange(range)).not.toBeNull();
    expect(satisfies(process.versions.node, range)).toBe(true);
    expect(claimedVersions(range).length).toBeGreaterThan(10);
  });

  it("every dependency in the lock file supports every Node version the project claims", () => {
    const versions = claimedVersions(range);
    const conflicts: string[] = [];
    for (const [name, meta] of Object.entries(lock.packages)) {
      if (!name || !installedHere(meta)) continue;
      const e = meta.engines;
      const node =
        e && typeof e === "object" && !Array.isArray(e) ? (e as { node?: unknown }).node : undefined;
      if (typeof node !== "string") continue;
      const missed = versions.filter((v) => !satisfies(v, node));
      if (missed.length) conflicts.push(`${name} wants node ${node}; the project claims ${missed[0]} too`);
    }
    expect(conflicts).toEqual([]);
  });

  it("kysely is a release line that declares Node 20 (0.29 wants ≥ 22)", () => {
    const kysely = lock.packages["node_modules/kysely"] as { version?: string; engines?: { node?: string } };
    expect(kysely.engines?.node).toBeDefined();
    expect(satisfies("20.19.0", kysely.engines?.node as string)).toBe(true);
  });
});
