/**
 * The interfaces the add-in calls, by their doc id (piaozone-api §0.3): interfaceCode, which endpoint
 * family serves them, and their Chinese name. Codes marked `assumed` come from assumptions.ts.
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
