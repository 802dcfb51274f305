/**
 * What an interface handler gets: the open transaction, the caller's org scope, the bureau as the
 * caller's tax ID sees it, the clock, and the callback outbox — all bound to one request.
 */
import type { Clock } from "./clock";
import { chinaDateTime } from "./clock";
import type { SqlDialectName } from "./db/dialect";
import { BureauView, OrgScope, findOrgByTaxId } from "./db/repo";
import type { Row } from "./db/schema";
import type { Tx } from "./db/tx";
import { nextSequence } from "./db/tx";
import { type CallbackRequest, enqueueCallback } from "./callbacks";
import type { OrgCodec } from "./protocol/payload";
import type { InterfaceRegistry } from "./registry";
import type { ReplyStyle } from "./reply";

export interface RequestInfo {
  readonly requestId: string;
  readonly businessSystemCode: string;
  readonly interfaceCode: string;
  /** How this request is answered (reply mode, and whether the caller asked for our detail). */
  readonly reply: ReplyStyle;
}

export interface Caller {
  readonly org: Row<"orgs">;
  readonly user: Row<"users">;
  readonly app: Row<"apps">;
}

export interface HandlerContext {
  /** The one transaction of this request; everything commits or rolls back together. */
  readonly tx: Tx;
  /** The caller's organisation: the only way to read/write business tables. */
  readonly repo: OrgScope;
  /** The simulated tax bureau, as the caller's tax ID sees it. */
  readonly bureau: BureauView;
  readonly caller: Caller;
  readonly request: RequestInfo;
  readonly clock: Clock;
  /** clock.now() read once at the start of the request. */
  readonly now: number;
  /** `now` as China time `yyyy-MM-dd HH:mm:ss`. */
  readonly nowText: string;
  readonly dialect: SqlDialectName;
  readonly codec: OrgCodec;
  readonly registry: InterfaceRegistry;
  /** Queue a callback (2.1.02 / 5.1.03) in the outbox, in this transaction. */
  enqueueCallback(cb: CallbackRequest): Promise<number | undefined>;
  /** Next value of a named counter (numbers the sandbox issues), in this transaction. */
  nextSequence(name: string): Promise<number>;
  /**
   * An organisation by tax ID, read once per request (the caller's own without a query): a flow
   * names the same two parties many times, and no handler changes an organisation's row.
   */
  orgByTaxId(taxId: string): Promise<Row<"orgs"> | undefined>;
}

export function orgCodec(org: Row<"orgs">): OrgCodec {
  return org.data_encoding === "aes" && org.aes_password
    ? { encoding: "aes", aesPassword: org.aes_password }
    : { encoding: "base64" };
}

export function buildContext(args: {
  tx: Tx;
  caller: Caller;
  request: RequestInfo;
  clock: Clock;
  now: number;
  dialect: SqlDialectName;
  registry: InterfaceRegistry;
}): HandlerContext {
  const { tx, caller, request, clock, now, dialect, registry } = args;
  const repo = new OrgScope(tx, caller.org.id, dialect, `user:${caller.user.username}`, now);
  const codec = orgCodec(caller.org);
  const orgs = new Map<string, Promise<Row<"orgs"> | undefined>>([
    [caller.org.tax_id, Promise.resolve(caller.org)],
  ]);
  return {
    tx,
    repo,
    bureau: new BureauView(tx, caller.org.tax_id, now),
    caller,
    request,
    clock,
    now,
    nowText: chinaDateTime(now),
    dialect,
    codec,
    registry,
    enqueueCallback: (cb) =>
      enqueueCallback(repo, {
        ...cb,
        businessSystemCode: cb.businessSystemCode ?? request.businessSystemCode,
        codec: cb.codec ?? codec,
      }),
    nextSequence: (name) => nextSequence(tx, name),
    orgByTaxId: (taxId) => {
      let org = orgs.get(taxId);
      if (!org) orgs.set(taxId, (org = findOrgByTaxId(tx, taxId)));
      return org;
    },
  };
}
