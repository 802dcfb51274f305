/**
 * The sandbox: the invoice cloud + tax bureau simulated on the gateway's own database.
 * `createSandboxRegistry()` is the set of interfaces `hongchong serve` answers in sandbox mode;
 * business workflows register their handlers here (README.md, "Adding an interface").
 */
import { InterfaceRegistry } from "../registry";
import { invoiceOpenHandler } from "./interfaces/invoiceOpen";
import { invoiceQueryHandler } from "./interfaces/invoiceQuery";

export function createSandboxRegistry(): InterfaceRegistry {
  return new InterfaceRegistry().register(invoiceOpenHandler).register(invoiceQueryHandler);
}

export { SEED_ORGS, SEED_VERSION, sandboxAccounts, seedIfEmpty, seedTaxId, seedCredentials } from "./seed";
export type { SandboxAccount } from "./seed";
