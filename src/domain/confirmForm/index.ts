/** 红字确认单（数电票） rules (domain-rules §4): the public API. */
export * from "./status";
export * from "./form";
export * from "./actions";
export * from "./calcRedLine";
export * from "./entryQuantity";
export * from "./callback";
export * from "./delivery";
export * from "./identity";
export * from "./deadline";
export * from "./download";
export * from "./taxControlEntry";
export * from "./partialReversal";
