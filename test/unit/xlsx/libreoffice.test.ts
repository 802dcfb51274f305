/**
 * An annotated workbook opens in another spreadsheet program: LibreOffice converts it to PDF, and
 * pdftoppm (when present) renders page 1 to test-artifacts/ for a person to look at. Without
 * LibreOffice the test does nothing and says so (console.warn).
 */
import { execFileSync, spawnSync } from "child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, copyFileSync } from "fs";
import { join } from "path";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import { tempDir, templateWithRows, validInfoFormRow } from "./helpers";

const LIBREOFFICE = ["/usr/bin/libreoffice", "/usr/bin/soffice"].find((p) => existsSync(p));
const has = (cmd: string): boolean => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const ARTIFACTS = join(__dirname, "../../../test-artifacts");

it("LibreOffice renders an annotated workbook (PDF, PNG in test-artifacts/)", async () => {
  const dir = tempDir();
  const input = join(dir, "annotated-in.xlsx");
  const out = join(dir, "annotated.xlsx");
  await templateWithRows("info-form-import", [
    validInfoFormRow(1),
    { ...validInfoFormRow(2), 购方税号: "123", 金额: "abc" },
  ]).xlsx.writeFile(input);
  const r = await importXlsxFile(input, { out });
  expect(r.ok && [r.value.succeeded, r.value.failed]).toEqual([1, 1]);

  if (!LIBREOFFICE) {
    console.warn("LibreOffice not installed (/usr/bin/libreoffice): the rendering check did nothing.");
    return;
  }
  // A private profile: a desktop LibreOffice running for the user must not be reused or locked.
  const profile = `file://${join(dir, "lo-profile")}`;
  execFileSync(
    LIBREOFFICE,
    [`-env:UserInstallation=${profile}`, "--headless", "--convert-to", "pdf", "--outdir", dir, out],
    {
      timeout: 120_000,
      stdio: "pipe",
    }
  );
  const pdf = join(dir, "annotated.pdf");
  expect(readFileSync(pdf).subarray(0, 5).toString("latin1")).toBe("%PDF-");

  mkdirSync(ARTIFACTS, { recursive: true });
  copyFileSync(pdf, join(ARTIFACTS, "xlsx-annotated.pdf"));
  if (!has("pdftoppm")) {
    console.warn("pdftoppm not installed: the PDF is in test-artifacts/, no PNG was made.");
    return;
  }
  execFileSync(
    "pdftoppm",
    ["-png", "-r", "60", "-f", "1", "-l", "1", pdf, join(ARTIFACTS, "xlsx-annotated")],
    { timeout: 60_000 }
  );
  const png = readdirSync(ARTIFACTS).find((f) => /^xlsx-annotated.*\.png$/.test(f));
  expect(png).toBeDefined();
  expect(readFileSync(join(ARTIFACTS, png!)).subarray(1, 4).toString("latin1")).toBe("PNG");
}, 180_000);
