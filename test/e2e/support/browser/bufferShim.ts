/**
 * The one Node API the fake workbook uses (payload sizes), for the browser bundle: esbuild `inject`
 * replaces the free `Buffer` in test/support/fakeExcel.ts with this.
 */
const encoder = new TextEncoder();

export const Buffer = {
  byteLength(s: string): number {
    return encoder.encode(s).length;
  },
};
