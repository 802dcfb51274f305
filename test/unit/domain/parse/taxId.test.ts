import { isValidResidentId, isValidUscc, parseTaxId, uscCheckChar } from "../../../../src/domain/parse";
import { refusalOf, valueOf } from "./helpers";

/*
 * Real-world 统一社会信用代码 checked by hand against GB 32100 (values: 0-9 → 0-9, A=10 … L=20;
 * weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28; check = 31 − Σ mod 31):
 *
 * 91110000600037341L: 9·1 + 1·3 + 1·9 + 1·27 + 6·20 + 3·8 + 7·24 + 3·10 + 4·30 + 1·28 (zero digits
 *   omitted) = 9+3+9+27+120+24+168+30+120+28 = 538; 538 mod 31 = 11; 31 − 11 = 20 → "L".
 * 914403001922038216: 9·1 + 1·3 + 4·9 + 4·27 + 3·26 + 1·20 + 9·29 + 2·25 + 2·13 + 3·24 + 8·10 + 2·30
 *   + 1·28 = 9+3+36+108+78+20+261+50+26+72+80+60+28 = 831; 831 mod 31 = 25; 31 − 25 = 6 → "6".
 */
const HAND_CHECKED = ["91110000600037341L", "914403001922038216"] as const;

describe("uscCheckChar / isValidUscc (GB 32100)", () => {
  it("matches the hand-computed check characters", () => {
    expect(uscCheckChar("91110000600037341")).toBe("L");
    expect(uscCheckChar("91440300192203821")).toBe("6");
    for (const id of HAND_CHECKED) expect(isValidUscc(id)).toBe(true);
  });

  it("maps a remainder of 0 (31 − 0 = 31) to the character 0", () => {
    // find a body with Σ mod 31 = 0 by varying the last body character
    const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const body = [...charset].map((c) => `9111000060003734${c}`).find((b) => uscCheckChar(b) === "0");
    expect(body).toBeDefined();
    // Σ for the prefix 9111000060003734 is 538 − 28 = 510 (see above); 510 + 28·15 = 930 = 31·30 → v = 15 ("F")
    expect(body).toBe("9111000060003734F");
  });

  it("generated codes validate, and any other 18th character does not", () => {
    const bodies = ["91330100MA2AB0XY1", "12100000400000000", "52440300MJL12345A", "93110000MA0000000"];
    for (const body of bodies) {
      const check = uscCheckChar(body);
      expect(isValidUscc(body + check)).toBe(true);
      for (const other of "0123456789ABCDEFGHJKLMNPQRTUWXY") {
        if (other !== check) expect(isValidUscc(body + other)).toBe(false);
      }
    }
  });

  it("rejects bodies outside the charset (I, O, S, V, Z are not used)", () => {
    expect(() => uscCheckChar("91330100MA2TEST01")).toThrow(TypeError);
    expect(() => uscCheckChar("9133010")).toThrow(TypeError);
    expect(isValidUscc("91330100MA2TEST01X")).toBe(false);
  });
});

describe("isValidResidentId (GB 11643)", () => {
  it("accepts the standard's example and rejects a wrong check character", () => {
    // 1·7+1·9+0+1·5+0+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0+0+2·2 = 167; 167 mod 11 = 2 → "X"
    expect(isValidResidentId("11010519491231002X")).toBe(true);
    expect(isValidResidentId("110105194912310021")).toBe(false);
    expect(isValidResidentId("11010519491231002x")).toBe(false); // parseTaxId upper-cases first
  });
});

describe("parseTaxId", () => {
  it("accepts valid 统一社会信用代码, upper-cased and without spaces", () => {
    expect(valueOf(parseTaxId("91110000600037341L", "购方税号"))).toBe("91110000600037341L");
    expect(valueOf(parseTaxId("91110000600037341l", "购方税号"))).toBe("91110000600037341L");
    expect(valueOf(parseTaxId(" 9111 0000 6000 3734 1L ", "购方税号"))).toBe("91110000600037341L");
    expect(valueOf(parseTaxId("９１１１００００６０００３７３４１Ｌ", "购方税号"))).toBe(
      "91110000600037341L"
    );
    expect(valueOf(parseTaxId("914403001922038216", "销方税号"))).toBe("914403001922038216");
    const generated = "91330100MA2AB0XY1" + uscCheckChar("91330100MA2AB0XY1");
    expect(valueOf(parseTaxId(generated.toLowerCase(), "销方税号"))).toBe(generated);
  });

  it("a wrong check character names the expected one", () => {
    const r = refusalOf(parseTaxId("91110000600037341M", "购方税号"));
    expect(r.code).toBe("BAD_TAX_ID_CHECK");
    expect(r.params?.expected).toBe("L");
    expect(r.message).toBe("购方税号校验位错误：“91110000600037341M”（按GB 32100，第18位应为“L”）");
    // a check position holding a character outside the charset is still a check error
    expect(refusalOf(parseTaxId("91440300192203821Z", "销方税号")).params?.expected).toBe("6");
  });

  it("accepts an 18-character resident ID (individual business) that fails GB 32100", () => {
    expect(isValidUscc("11010519491231002X")).toBe(false);
    expect(valueOf(parseTaxId("11010519491231002x", "购方税号"))).toBe("11010519491231002X");
    // [issue 8] an ID-card-shaped value failing both checks names both expected characters
    expect(refusalOf(parseTaxId("110105194912310021", "购方税号")).message).toBe(
      "购方税号校验位错误：“110105194912310021”（按统一社会信用代码GB 32100第18位应为“B”，按居民身份证号GB 11643应为“X”）"
    );
  });

  it("accepts the older 15, 17 and 20-character forms by charset and length", () => {
    expect(valueOf(parseTaxId("110108123456789", "购方税号"))).toBe("110108123456789");
    expect(valueOf(parseTaxId("44030019220382100", "购方税号"))).toBe("44030019220382100");
    expect(valueOf(parseTaxId("440300192203821aB", "购方税号"))).toBe("440300192203821AB");
    expect(valueOf(parseTaxId("440300192203821000Ab", "购方税号"))).toBe("440300192203821000AB");
  });

  it.each([
    "9111000060003734", // 16
    "91110000600037341LL", // 19
    "91330100MA2TEST01X", // S is not a GB 32100 character, and it is no resident ID
    "1101081234567-9",
    "110108 12345678*",
    "税号",
  ])("%j is BAD_TAX_ID_FORMAT", (input) => {
    const r = refusalOf(parseTaxId(input, "购方税号"));
    expect(r.code).toBe("BAD_TAX_ID_FORMAT");
    expect(r.message).toBe(
      `购方税号格式不正确：“${input}”（应为18位统一社会信用代码，或15、17、20位税号，只含数字和大写字母）`
    );
  });

  it("number cells: a 15-digit ID survives, 18 digits have lost precision", () => {
    expect(valueOf(parseTaxId(110108123456789, "购方税号"))).toBe("110108123456789");
    const r = refusalOf(parseTaxId(Number("914403001922038216"), "购方税号"));
    expect(r.code).toBe("DIGITS_LOST_IN_NUMBER_CELL");
    expect(r.message).toBe(
      "购方税号“914403001922038300”超过Excel数字单元格能精确保存的15位，请把该列设为文本格式后重新输入"
    );
    expect(refusalOf(parseTaxId(12345, "购方税号")).code).toBe("BAD_TAX_ID_FORMAT");
    expect(refusalOf(parseTaxId(true, "购方税号")).code).toBe("BAD_TAX_ID_FORMAT");
  });
});
