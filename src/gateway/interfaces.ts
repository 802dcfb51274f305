/**
 * The interfaces the add-in calls or the sandbox serves, by their doc id (piaozone-api §0.3):
 * interfaceCode, which endpoint family serves them, and their Chinese name. Codes marked `assumed`
 * come from assumptions.ts. 4.1.03 is served for third-party clients and has no typed client method
 * (`client.call("4.1.03", data)` reaches it). Documented interfaces nobody here serves are
 * DOCUMENTED_UNSERVED, at the end.
 */
import { ASSUMED_INTERFACE_CODES } from "./assumptions";

/** sim: POST {base}/kapi/app/sim/openApi (销项); rim: POST {base}/kapi/app/rim/deduction (收票). */
export type Endpoint = "sim" | "rim";

export const ENDPOINT_PATHS: Readonly<Record<Endpoint, string>> = {
  sim: "/kapi/app/sim/openApi",
  rim: "/kapi/app/rim/deduction",
};

/** Auth and logout paths (§1.1, SEEN). */
export const AUTH_PATHS = {
  appToken: "/api/getAppToken.do",
  login: "/api/login.do",
  logout: "/api/logout.do",
} as const;

export interface InterfaceSpec {
  readonly interfaceCode: string;
  readonly endpoint: Endpoint;
  /** Chinese name as in the doc menu. */
  readonly description: string;
  /** True when the interfaceCode (or endpoint) is our guess, see ASSUMPTIONS.md. */
  readonly assumed: boolean;
}

export const INTERFACES = {
  "2.1.01": {
    interfaceCode: "ALLE.INVOICE.OPEN",
    endpoint: "sim",
    description: "数电票蓝字发票开具",
    assumed: false, // third-party clients agree; page not stored
  },
  "2.1.03": {
    interfaceCode: "REDCONFIRMBILL.APPLY",
    endpoint: "sim",
    description: "红字确认单生成",
    assumed: false,
  },
  "2.1.04": {
    interfaceCode: "ALLE.INVOICE.RED",
    endpoint: "sim",
    description: "数电票红冲（直接红冲或通过红字确认单）",
    assumed: false,
  },
  "2.1.08": {
    interfaceCode: "REDCONFIRMBILL.REVOKE",
    endpoint: "sim",
    description: "红字确认单撤销",
    assumed: false,
  },
  "2.1.09": {
    interfaceCode: ASSUMED_INTERFACE_CODES["2.1.09"],
    endpoint: "sim",
    description: "红字确认单确认或拒绝",
    assumed: true,
  },
  "2.1.12": {
    interfaceCode: ASSUMED_INTERFACE_CODES["2.1.12"],
    endpoint: "sim",
    description: "红字确认单下载",
    assumed: true,
  },
  "2.1.13": {
    interfaceCode: "ALLE.REDCONFIRMBILL.QUERY",
    endpoint: "sim",
    description: "红字确认单编号查询",
    assumed: false,
  },
  "2.2.01": {
    interfaceCode: ASSUMED_INTERFACE_CODES["2.2.01"],
    endpoint: "sim",
    description: "税控发票开具",
    assumed: true,
  },
  "2.2.02": {
    interfaceCode: ASSUMED_INTERFACE_CODES["2.2.02"],
    endpoint: "sim",
    description: "税控发票快速红冲（仅支持全额红冲）",
    assumed: true,
  },
  "2.2.04": {
    interfaceCode: ASSUMED_INTERFACE_CODES["2.2.04"],
    endpoint: "sim",
    description: "税控红字信息表申请",
    assumed: true,
  },
  "2.2.05": {
    interfaceCode: ASSUMED_INTERFACE_CODES["2.2.05"],
    endpoint: "sim",
    description: "税控红字信息表下载",
    assumed: true,
  },
  "4.02": {
    interfaceCode: ASSUMED_INTERFACE_CODES["4.02"],
    endpoint: "rim",
    description: "进项发票表头归集",
    assumed: true,
  },
  "4.03": {
    interfaceCode: ASSUMED_INTERFACE_CODES["4.03"],
    endpoint: "rim",
    description: "进项发票表头归集结果查询",
    assumed: true,
  },
  "4.1.03": {
    interfaceCode: "ALLE.BATCH.QUERY",
    endpoint: "sim",
    description: "数电票批量查询",
    assumed: false, // two third-party clients call it; page not stored (piaozone-api §3)
  },
  "4.1.04": {
    interfaceCode: "ALLE.INVOICE.QUERY",
    endpoint: "sim",
    description: "数电票发票单张查询",
    assumed: false,
  },
} as const satisfies Record<string, InterfaceSpec>;

export type InterfaceId = keyof typeof INTERFACES;

export const INTERFACE_IDS = Object.keys(INTERFACES) as InterfaceId[];

export function isInterfaceId(s: string): s is InterfaceId {
  return Object.prototype.hasOwnProperty.call(INTERFACES, s);
}

/** Per-deployment corrections once the real codes are known. */
export type InterfaceOverrides = Readonly<
  Partial<Record<InterfaceId, Partial<Omit<InterfaceSpec, "assumed">>>>
>;

export type InterfaceTable = Readonly<Record<InterfaceId, InterfaceSpec>>;

export function resolveInterfaces(overrides: InterfaceOverrides = {}): InterfaceTable {
  const out = {} as Record<InterfaceId, InterfaceSpec>;
  for (const id of INTERFACE_IDS) {
    const o = overrides[id];
    out[id] = o
      ? { ...INTERFACES[id], ...o, assumed: INTERFACES[id].assumed && o.interfaceCode === undefined }
      : INTERFACES[id];
  }
  return out;
}

/**
 * The interface a request's interfaceCode selects (trimmed: the 2.1.04 doc example carries a stray
 * leading space, §1.3). Used by servers to route an incoming envelope.
 */
export function interfaceByCode(
  interfaceCode: string,
  table: InterfaceTable = INTERFACES
): { id: InterfaceId; spec: InterfaceSpec } | undefined {
  const code = interfaceCode.trim();
  for (const id of INTERFACE_IDS) {
    if (table[id].interfaceCode === code) return { id, spec: table[id] };
  }
  return undefined;
}

/** An interface the vendor documents that this product neither calls nor simulates. */
export interface UnservedInterfaceSpec {
  readonly interfaceCode: string;
  readonly endpoint: Endpoint;
  /** What the interface does, in Chinese; the doc menu's own wording was not stored for these. */
  readonly description: string;
}

/**
 * Documented interfaces without a sandbox handler, by doc id (piaozone-api §0.2, §3 "Other facts";
 * the vehicle codes come from third-party clients). The gateway answers them GW_NOT_IMPLEMENTED
 * ("not provided in this mode"), never GW_UNKNOWN_INTERFACE: a client calling one is right about the
 * protocol. 4.17 is left out: its interfaceCode is not in the spec.
 */
export const DOCUMENTED_UNSERVED = {
  "1.1.01": { interfaceCode: "BILL.PUSH", endpoint: "sim", description: "开票申请单推送" },
  "1.1.02": { interfaceCode: "BILL.WITHDRAW", endpoint: "sim", description: "开票申请单撤回" },
  "1.1.03": { interfaceCode: "BILL.INVOICE.QUERY", endpoint: "sim", description: "开票申请单发票查询" },
  "1.1.07": { interfaceCode: "BILL.REISSUE.CREATE", endpoint: "sim", description: "开票申请单重开" },
  "2.2.11": { interfaceCode: "INVOICE.OPEN.VEHICLE", endpoint: "sim", description: "机动车发票开具" },
  "2.2.13": { interfaceCode: "INVOICE.RED.VEHICLE", endpoint: "sim", description: "机动车发票红冲" },
  // "QUIERY" is the vendor's spelling.
  "2.2.15": { interfaceCode: "QUIERY.VEHICLE.INFO", endpoint: "sim", description: "机动车信息查询" },
  "3.4": { interfaceCode: "ALLE.ACCOUNT.CHECK", endpoint: "sim", description: "电子税务局账号查询" },
  "4.01": { interfaceCode: "taxLogin", endpoint: "rim", description: "税局登录" },
  "4.05": { interfaceCode: "invoiceSelect", endpoint: "rim", description: "发票勾选" },
  "4.09": { interfaceCode: "statisticCreateQuery", endpoint: "rim", description: "勾选统计生成与查询" },
} as const satisfies Record<string, UnservedInterfaceSpec>;

const UNSERVED_CODES: ReadonlySet<string> = new Set(
  Object.values(DOCUMENTED_UNSERVED).map((s) => s.interfaceCode)
);

/**
 * The vendor documents this interfaceCode (trimmed, as `interfaceByCode`): one of INTERFACES (in
 * `table`, so per-deployment codes count) or of DOCUMENTED_UNSERVED. A server without a handler for
 * it answers GW_NOT_IMPLEMENTED; an undocumented code is GW_UNKNOWN_INTERFACE.
 */
export function isDocumentedInterface(interfaceCode: string, table: InterfaceTable = INTERFACES): boolean {
  return interfaceByCode(interfaceCode, table) !== undefined || UNSERVED_CODES.has(interfaceCode.trim());
}
