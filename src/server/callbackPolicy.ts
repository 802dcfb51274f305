/**
 * Where the gateway may POST a callback (issue 11 D2). A registered URL is the receiver's choice, so
 * without a policy it can aim the gateway at the cloud-metadata address, at loopback services or at
 * the gateway's own admin endpoint. Checked twice: when the URL is registered (`checkCallbackUrl`,
 * pure) and at every delivery on each address DNS answered (`checkResolvedAddress`, called by the
 * socket's lookup, so a name cannot point elsewhere between the check and the connect).
 */
import { BlockList, isIP } from "node:net";
import os from "node:os";
import { type Refusal, refusal } from "../domain/refusals";

export interface CallbackPolicy {
  /** 127/8, ::1 and localhost: local development and tests only (`--allow-loopback-callbacks`). */
  readonly allowLoopback: boolean;
  /** RFC 1918 10/8, 172.16/12, 192.168/16 and IPv6 ULA fc00::/7 (an ERP on the same intranet). */
  readonly allowPrivate?: boolean;
  /** The gateway's own origins (`http://127.0.0.1:8787`): refused even when loopback is allowed. */
  readonly forbiddenOrigins?: readonly string[];
}

export const DEFAULT_CALLBACK_POLICY: CallbackPolicy = { allowLoopback: false };

export type CallbackUrlProblemKind =
  "invalid" | "scheme" | "userinfo" | "gateway" | "loopback" | "private" | "internal";

export interface CallbackUrlProblem {
  readonly kind: CallbackUrlProblemKind;
  /** GW_CALLBACK_URL_FORBIDDEN with the reason in Chinese. */
  readonly refusal: Refusal;
}

/** The {reason} of GW_CALLBACK_URL_FORBIDDEN per problem. */
const REASONS: Record<CallbackUrlProblemKind, string> = {
  invalid: "不是有效的网址",
  scheme: "只支持 http 或 https 地址",
  userinfo: "地址中不能包含用户名或密码",
  gateway: "不能指向网关自身",
  loopback:
    "不能指向本机（localhost、127.x.x.x、::1）；本地开发请用 hongchong serve --allow-loopback-callbacks 启动网关",
  private: "不能指向内网地址（10.x、172.16–31.x、192.168.x、fc00::/7）",
  internal: "不能指向链路本地、云元数据、组播或保留地址",
};

function problem(kind: CallbackUrlProblemKind, detail?: string): CallbackUrlProblem {
  const reason = detail ? `${detail}，${REASONS[kind]}` : REASONS[kind];
  return { kind, refusal: refusal("GW_CALLBACK_URL_FORBIDDEN", { reason }) };
}

type Subnet = readonly [address: string, prefix: number];

function blockList(v4: readonly Subnet[], v6: readonly Subnet[]): BlockList {
  const list = new BlockList();
  for (const [a, p] of v4) list.addSubnet(a, p, "ipv4");
  for (const [a, p] of v6) list.addSubnet(a, p, "ipv6");
  return list;
}

const LOOPBACK = blockList([["127.0.0.0", 8]], [["::1", 128]]);
const PRIVATE = blockList(
  [
    ["10.0.0.0", 8],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
  ],
  [["fc00::", 7]]
);
/**
 * Never reachable, whatever the policy: "this network", shared address space (100.64/10, where
 * Alibaba Cloud's metadata 100.100.100.200 lives), link-local (169.254/16: the metadata address
 * 169.254.169.254 of most clouds, Tencent's 169.254.0.23), IETF protocol assignments, benchmarking,
 * multicast, reserved/broadcast; IPv6 unspecified and IPv4-compatible (::/96), link-local, multicast
 * and AWS's IPv6 metadata fd00:ec2::254 (inside fc00::/7, so it stays closed when private is allowed).
 */
const INTERNAL = blockList(
  [
    ["0.0.0.0", 8],
    ["100.64.0.0", 10],
    ["169.254.0.0", 16],
    ["192.0.0.0", 24],
    ["198.18.0.0", 15],
    ["224.0.0.0", 4],
    ["240.0.0.0", 4],
  ],
  [
    ["::", 96],
    ["fe80::", 10],
    ["ff00::", 8],
    ["fd00:ec2::254", 128],
  ]
);

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let a = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (dotted) {
    const [b0, b1, b2, b3] = dotted.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, dotted.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.includes("::") ? (a.split("::") as [string, string]) : [a, undefined];
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((g) => parseInt(g, 16)));
  const h = parse(head);
  if (tail === undefined) return h;
  const t = parse(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

const ipv4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/**
 * The IPv4 address an IPv6 one carries to an IPv4 host: IPv4-mapped ::ffff:0:0/96, NAT64
 * 64:ff9b::/96 and 6to4 2002::/16. Such an address is judged as that IPv4 address.
 */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (g.length !== 8) return undefined;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return ipv4Of(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4Of(g[6]!, g[7]!);
  if (g[0] === 0x2002) return ipv4Of(g[1]!, g[2]!);
  return undefined;
}

type AddressClass = "loopback" | "private" | "internal" | "public";

function classify(address: string): AddressClass {
  const version = isIP(address);
  if (version === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return classify(v4);
  }
  const family = version === 6 ? "ipv6" : "ipv4";
  if (LOOPBACK.check(address, family)) return "loopback";
  if (INTERNAL.check(address, family)) return "internal";
  if (PRIVATE.check(address, family)) return "private";
  return "public";
}

/** `localhost` and `*.localhost` always mean this machine (RFC 6761), whatever DNS says. */
const isLoopbackName = (host: string) => host === "localhost" || host.endsWith(".localhost");

/** URL hostname → comparable form: no IPv6 brackets, no trailing dot, lower case. */
function bareHost(hostname: string): string {
  const h = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return h.replace(/\.$/, "").toLowerCase();
}

function effectivePort(u: URL): number {
  if (u.port !== "") return Number(u.port);
  return u.protocol === "https:" ? 443 : 80;
}

const isLoopbackHost = (host: string) =>
  isLoopbackName(host) || (isIP(host) !== 0 && classify(host) === "loopback");
const isUnspecified = (host: string) => host === "0.0.0.0" || host === "::";

/**
 * The gateway itself at host:port. A gateway listening on loopback or on every interface answers
 * on every loopback address and name, so those count as its origin too.
 */
function isGatewayItself(host: string, port: number, policy: CallbackPolicy): boolean {
  for (const origin of policy.forbiddenOrigins ?? []) {
    let f: URL;
    try {
      f = new URL(origin);
    } catch {
      continue;
    }
    if (effectivePort(f) !== port) continue;
    const fh = bareHost(f.hostname);
    if (fh === host) return true;
    if ((isLoopbackHost(fh) || isUnspecified(fh)) && isLoopbackHost(host)) return true;
  }
  return false;
}

function addressProblem(
  address: string,
  policy: CallbackPolicy,
  detail?: string
): CallbackUrlProblem | undefined {
  const c = classify(address);
  if (c === "public") return undefined;
  if (c === "loopback" && policy.allowLoopback) return undefined;
  if (c === "private" && policy.allowPrivate) return undefined;
  return problem(c, detail);
}

/** Why the gateway must not call `url` back, or undefined when it may (before any DNS lookup). */
export function checkCallbackUrl(url: string, policy: CallbackPolicy): CallbackUrlProblem | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return problem("invalid");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return problem("scheme");
  if (u.username !== "" || u.password !== "") return problem("userinfo");
  const host = bareHost(u.hostname);
  if (host === "") return problem("invalid");
  if (isGatewayItself(host, effectivePort(u), policy)) return problem("gateway");
  if (isIP(host) !== 0) return addressProblem(host, policy);
  if (isLoopbackName(host)) return policy.allowLoopback ? undefined : problem("loopback");
  return undefined;
}

/**
 * Why the gateway must not connect to an address DNS answered for a callback's host (and port, to
 * recognise the gateway itself), or undefined when it may.
 */
export function checkResolvedAddress(
  address: string,
  family: number | string,
  policy: CallbackPolicy,
  port?: number,
  hostname?: string
): CallbackUrlProblem | undefined {
  const host = bareHost(address);
  const detail = hostname ? `“${hostname}”解析到 ${host}` : undefined;
  const version = isIP(host);
  // dns.lookup says 4/6, net's lookup callback may say "IPv4"/"IPv6": either way it must agree.
  if (version === 0 || (family !== version && family !== `IPv${version}`))
    return problem("invalid", detail ?? host);
  if (port !== undefined && isGatewayItself(host, port, policy)) return problem("gateway", detail);
  return addressProblem(host, policy, detail);
}

/**
 * A callback's delivery lane (issue 11 D3): its URL's origin, scheme://host:port. Callbacks to one
 * destination go one at a time in id order; destinations do not wait for each other.
 */
export function callbackDestination(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}

/**
 * The origins the gateway answers on: each listening address, and for a wildcard one (0.0.0.0, ::)
 * every address of this machine's interfaces — a callback to any of them would call the gateway.
 */
export function listeningOrigins(
  addresses: ReadonlyArray<{ address: string; port: number } | string>,
  interfaces: () => ReturnType<typeof os.networkInterfaces> = os.networkInterfaces
): string[] {
  const origin = (address: string, port: number) =>
    `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  const out: string[] = [];
  for (const a of addresses) {
    if (typeof a === "string") continue; // a pipe or socket path
    if (a.address !== "0.0.0.0" && a.address !== "::") {
      out.push(origin(a.address, a.port));
      continue;
    }
    for (const list of Object.values(interfaces()))
      for (const i of list ?? [])
        if (a.address === "::" || i.family === "IPv4")
          out.push(origin(i.address.replace(/%.*$/, ""), a.port));
    out.push(origin(a.address, a.port));
  }
  return out;
}
