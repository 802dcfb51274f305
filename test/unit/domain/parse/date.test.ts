import { parseDate } from "../../../../src/domain/parse";
import { refusalOf, valueOf } from "./helpers";

const date = (v: unknown) => valueOf(parseDate(v, "开票日期"));
const dateTime = (v: unknown) => valueOf(parseDate(v, "开票日期", { withTime: true }));

describe("parseDate — text forms", () => {
  it.each([
    ["2024-10-22 10:44:24", "2024-10-22", "2024-10-22 10:44:24"],
    ["2024-10-22T10:44:24", "2024-10-22", "2024-10-22 10:44:24"],
    ["2024/10/22", "2024-10-22", "2024-10-22 00:00:00"],
    ["2024-10-22", "2024-10-22", "2024-10-22 00:00:00"],
    ["2024.10.22", "2024-10-22", "2024-10-22 00:00:00"],
    ["20241022", "2024-10-22", "2024-10-22 00:00:00"],
    ["20241022104424", "2024-10-22", "2024-10-22 10:44:24"],
    ["2024年10月22日", "2024-10-22", "2024-10-22 00:00:00"],
    ["2024年1月2日", "2024-01-02", "2024-01-02 00:00:00"],
    ["2024年10月22日 10:44:24", "2024-10-22", "2024-10-22 10:44:24"],
    ["2024年10月22日10时44分24秒", "2024-10-22", "2024-10-22 10:44:24"],
    ["2024-1-2", "2024-01-02", "2024-01-02 00:00:00"],
    ["2024/1/2 9:05", "2024-01-02", "2024-01-02 09:05:00"],
    ["２０２４－１０－２２\u3000１０：４４：２４", "2024-10-22", "2024-10-22 10:44:24"],
    [" 2024-10-22  10:44:24 ", "2024-10-22", "2024-10-22 10:44:24"],
    ["2024-10-22 23:59:59", "2024-10-22", "2024-10-22 23:59:59"],
  ])("%j → %s / %s", (input, d, dt) => {
    expect(date(input)).toBe(d);
    expect(dateTime(input)).toBe(dt);
  });

  it("leap years: 29 Feb exists in 2024 and 2000, not in 2023 or 1900 or 2100", () => {
    expect(date("2024-02-29")).toBe("2024-02-29");
    expect(date("2000-02-29")).toBe("2000-02-29");
    expect(date("2024-03-01")).toBe("2024-03-01");
    expect(date("2023-02-28")).toBe("2023-02-28");
    for (const bad of ["2023-02-29", "1900-02-29", "2100-02-29", "2024-02-30"]) {
      expect(refusalOf(parseDate(bad, "开票日期")).code).toBe("NOT_A_DATE");
    }
  });

  it.each([
    "2024-02-30",
    "2023-02-29",
    "2024-13-01",
    "2024-00-10",
    "2024-04-31",
    "2024-10-00",
    "2024-10-22 24:00:00",
    "2024-10-22 10:60:00",
    "2024-10-22 10:44:60",
    "2024-10-22 10",
    "2024-10-22T10:44:24.000Z", // [decision] no fractions of a second, no time zones
    "2024-10-22T10:44:24+08:00",
    "2024/10-22", // mixed separators
    "24-10-22", // two-digit year
    "10/22/2024", // month-first is ambiguous with day-first
    "22.10.2024",
    "2024-10",
    "202410",
    "1899-12-31",
    "10:44:24",
    "明天",
  ])("%j is NOT_A_DATE naming the field and the value", (input) => {
    const r = refusalOf(parseDate(input, "原蓝票开票日期"));
    expect(r.code).toBe("NOT_A_DATE");
    expect(r.message).toBe(
      `原蓝票开票日期不是有效的日期：“${input}”（例：2024-10-22 或 2024-10-22 10:44:24）`
    );
  });
});

describe("parseDate — Excel serial numbers (1900 date system)", () => {
  it("45587 is 2024-10-22; the fraction is the time of day, rounded to the second", () => {
    expect(date(45587)).toBe("2024-10-22");
    expect(dateTime(45587)).toBe("2024-10-22 00:00:00");
    expect(dateTime(45587.5)).toBe("2024-10-22 12:00:00");
    // 10:44:24 = 38664 s; Excel stores 45587 + 38664/86400, a double
    expect(dateTime(45587 + 38664 / 86400)).toBe("2024-10-22 10:44:24");
    expect(dateTime(45587 + 38664.4 / 86400)).toBe("2024-10-22 10:44:24");
    expect(dateTime(45587 + 38664.6 / 86400)).toBe("2024-10-22 10:44:25");
    expect(dateTime(45587 + 86399.6 / 86400)).toBe("2024-10-23 00:00:00");
    expect(date(45587.99)).toBe("2024-10-22");
  });

  it("serials around Lotus's fake 1900-02-29: 59 → 02-28, 60 refused, 61 → 03-01", () => {
    expect(date(1)).toBe("1900-01-01");
    expect(date(59)).toBe("1900-02-28");
    expect(refusalOf(parseDate(60, "开票日期")).code).toBe("NOT_A_DATE");
    expect(date(61)).toBe("1900-03-01");
  });

  it("leap days by serial: 2024-02-29 is 45351, 2023-03-01 follows 2023-02-28 (44985 → 44986)", () => {
    expect(date(45351)).toBe("2024-02-29");
    expect(date(45350)).toBe("2024-02-28");
    expect(date(45352)).toBe("2024-03-01");
    expect(date(44985)).toBe("2023-02-28");
    expect(date(44986)).toBe("2023-03-01");
  });

  it("the last Excel day is 9999-12-31 (2958465); beyond, below 1 and non-finite are refused", () => {
    expect(date(2958465)).toBe("9999-12-31");
    for (const bad of [2958466, 0, 0.5, -1, NaN, Infinity]) {
      const r = refusalOf(parseDate(bad, "开票日期"));
      expect(r.code).toBe("NOT_A_DATE");
      expect(r.params?.value).toBe(String(bad));
    }
  });

  it("a yyyymmdd integer typed into a General cell is that date", () => {
    expect(date(20241022)).toBe("2024-10-22");
    expect(dateTime(20240229)).toBe("2024-02-29 00:00:00");
    expect(refusalOf(parseDate(20230229, "开票日期")).code).toBe("NOT_A_DATE");
  });
});

describe("parseDate — JS Dates from exceljs (UTC components are the wall clock)", () => {
  it("uses the UTC components whatever the machine's time zone", () => {
    expect(date(new Date(Date.UTC(2024, 9, 22)))).toBe("2024-10-22");
    expect(dateTime(new Date(Date.UTC(2024, 9, 22, 10, 44, 24)))).toBe("2024-10-22 10:44:24");
    expect(date(new Date(Date.UTC(2024, 9, 22, 23, 59, 59)))).toBe("2024-10-22");
    expect(dateTime(new Date(Date.UTC(2024, 1, 29, 10, 44, 24, 600)))).toBe("2024-02-29 10:44:25");
  });

  it("refuses invalid Dates and booleans", () => {
    expect(refusalOf(parseDate(new Date(NaN), "开票日期")).code).toBe("NOT_A_DATE");
    expect(refusalOf(parseDate(true, "开票日期")).message).toBe(
      "开票日期不是有效的日期：“TRUE”（例：2024-10-22 或 2024-10-22 10:44:24）"
    );
  });
});

describe("parseDate — options", () => {
  it("timeRequired refuses a date without a time (fields 精确到秒)", () => {
    const opts = { withTime: true, timeRequired: true };
    expect(valueOf(parseDate("2024-10-22 10:44:24", "原蓝票开票日期", opts))).toBe("2024-10-22 10:44:24");
    expect(valueOf(parseDate(45587.5, "原蓝票开票日期", opts))).toBe("2024-10-22 12:00:00");
    for (const bad of ["2024-10-22", 45587, new Date(Date.UTC(2024, 9, 22))]) {
      expect(refusalOf(parseDate(bad, "原蓝票开票日期", opts)).code).toBe("NOT_A_DATE");
    }
  });

  it("blank: null, or FIELD_REQUIRED", () => {
    expect(valueOf(parseDate("", "确认日期"))).toBeNull();
    expect(refusalOf(parseDate(null, "确认日期", { required: true })).message).toBe("确认日期不能为空");
  });
});
