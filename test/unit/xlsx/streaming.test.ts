/** The streaming path applies the same rules and marks as the full-load path (values only). */
import { join } from "path";
import { importXlsxStreaming } from "../../../src/sheet/xlsx/streaming";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import { NOTE_PREFIX } from "../../../src/sheet/xlsx/plan";
import { isErrorFill, noteText } from "../../../src/sheet/xlsx/annotate";
import { readBack, tempDir, templateWithRows, validInfoFormRow } from "./helpers";

const dir = tempDir();

function marksOf(ws: import("exceljs").Worksheet): Record<string, string> {
  const found: Record<string, string> = {};
  ws.eachRow((row) =>
    row.eachCell({ includeEmpty: true }, (cell) => {
      if (isErrorFill(cell.fill)) found[cell.address] = noteText(cell.note);
    })
  );
  return found;
}

it("marks the same cells with the same notes as the full-load import", async () => {
  const input = join(dir, "in.xlsx");
  const rows = [
    validInfoFormRow(1),
    { ...validInfoFormRow(2), 购方税号: "1", 金额: "x" },
    { ...validInfoFormRow(3), 申请方: "?" },
  ];
  await templateWithRows("info-form-import", rows).xlsx.writeFile(input);
  const full = await importXlsxFile(input, { out: join(dir, "full.xlsx"), batchNo: "PC1" });
  const streamed = await importXlsxStreaming(input, {
    kind: "info-form-import",
    out: join(dir, "stream.xlsx"),
    batchNo: "PC1",
  });
  expect(streamed.ok && [streamed.value.succeeded, streamed.value.failed]).toEqual(
    full.ok && [full.value.succeeded, full.value.failed]
  );
  const a = marksOf((await readBack(join(dir, "full.xlsx"))).worksheets[0]);
  const b = marksOf((await readBack(join(dir, "stream.xlsx"))).worksheets[0]);
  expect(Object.keys(b)).toEqual(["H3", "R3", "B4"]);
  expect(b).toEqual(a);
  expect(Object.values(b).every((n) => n.startsWith(NOTE_PREFIX))).toBe(true);
});

it("refuses hidden rows and merged headers as the full-load import does", async () => {
  const wb = templateWithRows("info-form-import", [validInfoFormRow(1), validInfoFormRow(2)]);
  wb.worksheets[0].getRow(3).hidden = true;
  const f = join(dir, "hidden.xlsx");
  await wb.xlsx.writeFile(f);
  const r = await importXlsxStreaming(f, { kind: "info-form-import", out: join(dir, "h.out.xlsx") });
  expect(r.ok ? "ok" : r.refusal.code).toBe("FILE_HIDDEN_ROWS");
  const wb2 = templateWithRows("info-form-import", [validInfoFormRow(1)]);
  wb2.worksheets[0].mergeCells("A1:B1");
  const f2 = join(dir, "merged.xlsx");
  await wb2.xlsx.writeFile(f2);
  const r2 = await importXlsxStreaming(f2, { kind: "info-form-import", out: join(dir, "m.out.xlsx") });
  expect(r2.ok ? "ok" : r2.refusal.code).toBe("FILE_MERGED_HEADER");
});
