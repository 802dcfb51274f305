import { Dec } from "../../../src/domain/money";
import { base64ToBytes, bytesToBase64, isBase64 } from "../../../src/gateway/bytes";
import {
  aesGcmDecrypt,
  aesGcmEncrypt,
  base64DecodeText,
  base64EncodeText,
  decodeData,
  deriveAesKeyBytes,
  encodeData,
} from "../../../src/gateway/codec";
import { JsonDecimal } from "../../../src/gateway/json";

const IV_0_11 = Uint8Array.from({ length: 12 }, (_, i) => i);
const VECTOR = "AAECAwQFBgcICQoLGuEesMoFwoz9IFDkmSlYGGeiA1vuby/hOAw8dtO2rM5e+94T5SmL/UCVK3JkYOo=";

describe("base64 helper (no Buffer)", () => {
  it("matches the RFC 4648 test vectors", () => {
    const cases: [string, string][] = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg=="],
      ["fooba", "Zm9vYmE="],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [plain, b64] of cases) {
      expect(bytesToBase64(new TextEncoder().encode(plain))).toBe(b64);
      expect(new TextDecoder().decode(base64ToBytes(b64) ?? new Uint8Array([0xff]))).toBe(plain);
    }
  });

  it("round-trips Chinese text through UTF-8", () => {
    const text = '{"buyerName":"测试购方有限公司","goodsName":"*信息技术服务*软件"}';
    const b64 = base64EncodeText(text);
    expect(b64).toBe(Buffer.from(text, "utf8").toString("base64"));
    expect(base64DecodeText(b64)).toBe(text);
  });

  it("round-trips every byte value", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(base64ToBytes(bytesToBase64(all)) ?? [])).toEqual(Array.from(all));
  });

  it("rejects malformed base64 instead of decoding part of it", () => {
    for (const bad of ["RED-20240601-0001", "abc", "a===", "Zm9v!", "Zg="]) {
      expect(isBase64(bad)).toBe(false);
      expect(base64ToBytes(bad)).toBeUndefined();
    }
  });
});

describe("AES-128-GCM per spec §1.4", () => {
  it("derives the key SHA1(SHA1(password))[0..16)", async () => {
    expect(bytesToBase64(await deriveAesKeyBytes("synthetic-key"))).toBe("QRV4pRsmj5Vcn3z+fM22Qg==");
  });

  it("reproduces the test vector byte for byte (IV 0..11)", async () => {
    expect(await aesGcmEncrypt('{"amount":0.10,"name":"测试"}', "synthetic-key", IV_0_11)).toBe(VECTOR);
  });

  it("produces the same vector from a payload with a Dec amount (exact 0.10, no float)", async () => {
    const wire = await encodeData(
      { amount: new Dec("0.10"), name: "测试" },
      { encoding: "aes", aesPassword: "synthetic-key", iv: IV_0_11 }
    );
    expect(wire).toBe(VECTOR);
  });

  it("decrypts the vector and keeps 0.10 exact", async () => {
    expect(await aesGcmDecrypt(VECTOR, "synthetic-key")).toBe('{"amount":0.10,"name":"测试"}');
    const d = await decodeData(VECTOR, { encoding: "aes", aesPassword: "synthetic-key" });
    expect(d).toEqual({ kind: "json", via: "aes", value: { amount: "0.10", name: "测试" } });
  });

  it("uses a fresh random IV per message by default", async () => {
    const a = await aesGcmEncrypt("x", "k");
    const b = await aesGcmEncrypt("x", "k");
    expect(a).not.toBe(b);
    expect(await aesGcmDecrypt(a, "k")).toBe("x");
  });

  it("fails closed on a wrong key or a tampered tag", async () => {
    expect(await aesGcmDecrypt(VECTOR, "other-key")).toBeUndefined();
    const bytes = base64ToBytes(VECTOR) as Uint8Array;
    bytes[bytes.length - 1] ^= 1;
    expect(await aesGcmDecrypt(bytesToBase64(bytes), "synthetic-key")).toBeUndefined();
  });
});

describe("encodeData / decodeData", () => {
  const b64 = { encoding: "base64" } as const;

  it("keeps -106.00, 0.10 and 20-digit numbers exact through a base64 round trip", async () => {
    const payload = {
      serialNo: "RED-20240601-0001",
      invoiceNum: "24330000000087654321",
      includeTaxAmount: new Dec("-106.00"),
      invoiceDetail: [{ amount: new Dec("-100"), taxAmount: new Dec("-6"), price: new JsonDecimal("0.10") }],
      big: new JsonDecimal("24330000000087654321"),
    };
    const wire = await encodeData(payload, b64);
    expect(base64DecodeText(wire)).toBe(
      '{"serialNo":"RED-20240601-0001","invoiceNum":"24330000000087654321","includeTaxAmount":-106.00,' +
        '"invoiceDetail":[{"amount":-100.00,"taxAmount":-6.00,"price":0.10}],"big":24330000000087654321}'
    );
    const back = await decodeData(wire, b64);
    expect(back).toEqual({
      kind: "json",
      via: "base64",
      value: {
        serialNo: "RED-20240601-0001",
        invoiceNum: "24330000000087654321",
        includeTaxAmount: "-106.00",
        invoiceDetail: [{ amount: "-100.00", taxAmount: "-6.00", price: "0.10" }],
        big: "24330000000087654321",
      },
    });
  });

  it("decodes the spec's 2.1.13 request example", async () => {
    const d = await decodeData(
      "eyJ0YXhwYXllcklkIjoiOTEzMzAxMDBNQTJURVNUMDFYIiwiaWRlbnRpdHkiOiIwIiwic3RhcnREYXRlIjoiMjAyNC0wMy0wMSIsImVuZERhdGUiOiIyMDI0LTAzLTMxIn0=",
      b64
    );
    expect(d).toEqual({
      kind: "json",
      via: "base64",
      value: {
        taxpayerId: "91330100MA2TEST01X",
        identity: "0",
        startDate: "2024-03-01",
        endDate: "2024-03-31",
      },
    });
  });

  it("is lenient: a plain object, a JSON text, a plain serial, or nothing", async () => {
    expect(await decodeData({ a: "1.00" }, b64)).toEqual({
      kind: "json",
      via: "plain",
      value: { a: "1.00" },
    });
    expect(await decodeData('{"a":1.50}', b64)).toEqual({ kind: "json", via: "text", value: { a: "1.50" } });
    expect(await decodeData("RED-20240601-0001", b64)).toEqual({ kind: "opaque", text: "RED-20240601-0001" });
    expect(await decodeData("BLUE20240601", b64)).toEqual({ kind: "opaque", text: "BLUE20240601" });
    expect(await decodeData("", b64)).toEqual({ kind: "absent" });
    expect(await decodeData(null, b64)).toEqual({ kind: "absent" });
  });

  it("in strict mode a plain object is not accepted as decoded", async () => {
    expect((await decodeData({ a: "1" }, { ...b64, lenient: false })).kind).toBe("opaque");
  });

  it("in AES mode still reads a base64 reply (tenants switch modes)", async () => {
    const wire = base64EncodeText('{"taskNo":"T1"}');
    expect(await decodeData(wire, { encoding: "aes", aesPassword: "k" })).toEqual({
      kind: "json",
      via: "base64",
      value: { taskNo: "T1" },
    });
  });

  it("refuses to encode AES without a password", async () => {
    await expect(encodeData({ a: 1 }, { encoding: "aes" })).rejects.toThrow(/aesPassword/);
  });
});

describe("base64 on large payloads", () => {
  it("validates and decodes an 8 MB payload without exhausting the regex stack", async () => {
    const { bytesToBase64, base64ToBytes, isBase64 } = await import("../../../src/gateway/bytes");
    const bytes = new Uint8Array(6 * 1024 * 1024).map((_, i) => (i * 31) & 255);
    const b64 = bytesToBase64(bytes);
    expect(isBase64(b64)).toBe(true);
    const back = base64ToBytes(b64);
    expect(back && Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
    expect(isBase64(b64.slice(1))).toBe(false);
    expect(isBase64("AAA=A===")).toBe(false);
  });
});
