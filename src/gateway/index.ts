/** The invoice cloud's open API: wire schemas, protocol types, codec and the one client (see client.ts). */
export * from "./assumptions";
export * from "./callback";
export * from "./codes";
export * from "./client";
export * from "./codec";
export * from "./errors";
export * from "./interfaces";
export * from "./json";
export * from "./payloads";
export * from "./protocol";
export * from "./serial";
export { bytesToBase64, base64ToBytes, isBase64, utf8Decode, utf8Encode } from "./bytes";
export * from "./extensions";
export * from "./schemas";
