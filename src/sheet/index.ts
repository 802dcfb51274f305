/** The workbook layer: sheet schemas, the host-neutral port, and the pure mapping and write plan. */
export * from "./address";
export * from "./mapping";
export * from "./port";
export * from "./schemas";
export * from "./writePlan";
