/**
 * bytes.ts picks the runtime's native base64 (Node's Buffer, the browser's atob/btoa) and keeps its own
 * loop for runtimes with neither: all three must give the same text and the same bytes, and a malformed
 * input is refused before any of them sees it.
 */
import fc from "fast-check";
import { BASE64_CODECS, base64ToBytes, bytesToBase64 } from "../../../src/gateway/bytes";

const codecs = Object.entries(BASE64_CODECS).filter(([, c]) => c !== undefined) as [
  string,
  NonNullable<(typeof BASE64_CODECS)["js"]>,
][];

it("Node has all three codecs (so this test compares them)", () => {
  expect(codecs.map(([n]) => n)).toEqual(["bytes", "atob", "js"]);
});

it("every codec encodes and decodes as Node's Buffer does, at every length", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 70_000 }), (bytes) => {
      const expected = Buffer.from(bytes).toString("base64");
      for (const [name, c] of codecs) {
        expect([name, c.encode(bytes)]).toEqual([name, expected]);
        const out = new Uint8Array(bytes.length);
        c.decode(expected, out);
        expect([name, Buffer.from(out).equals(Buffer.from(bytes))]).toEqual([name, true]);
      }
      expect(Buffer.from(base64ToBytes(bytesToBase64(bytes))!).equals(Buffer.from(bytes))).toBe(true);
    }),
    { numRuns: 60 }
  );
});

it("refuses what Buffer would decode leniently", () => {
  for (const bad of ["QQ", "QQ=", "Q===", "QQ==QQ==", "QQ-_", "QUJD!"])
    expect(base64ToBytes(bad)).toBeUndefined();
  expect(Array.from(base64ToBytes(" QU\nJD ")!)).toEqual([0x41, 0x42, 0x43]);
});
