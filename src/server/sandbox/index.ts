/**
 * The sandbox: the invoice cloud + tax bureau simulated on the gateway's own database.
 * `createSandboxRegistry()` is the set of interfaces `hongchong serve` answers in sandbox mode;
 * business workflows register their handlers here (README.md, "Adding an interface").
 */
import { InterfaceRegistry } from "../registry";
import { invoiceOpenHandler } from "./interfaces/invoiceOpen";
import { invoiceQueryHandler } from "./interfaces/invoiceQuery";
import { invoiceBatchQueryHandler } from "./interfaces/invoiceBatchQuery";
import { redConfirmApplyHandler } from "./interfaces/redConfirmApply";
import { invoiceRedHandler } from "./interfaces/invoiceRed";
import { redConfirmConfirmHandler, redConfirmRevokeHandler } from "./interfaces/redConfirmRevoke";
import {
  redConfirmDownloadHandler,
  redConfirmDownloadSettler,
  redConfirmStatusUpdateSettler,
} from "./interfaces/redConfirmDownload";
import { redConfirmQueryHandler } from "./interfaces/redConfirmQuery";
import {
  blueInvoiceQueryHandler,
  redConfirmDeleteHandler,
  redConfirmRollbackHandler,
  taskQueryHandler,
} from "./interfaces/hcRedConfirm";
import { pendingRedDeleteHandler, pendingRedListHandler } from "./interfaces/hcPendingReds";
import { taxControlIssueHandler } from "./interfaces/taxControlIssue";
import { taxControlQuickRedHandler } from "./interfaces/taxControlQuickRed";
import { redInfoFormApplyHandler } from "./interfaces/redInfoFormApply";
import { redInfoFormDownloadHandler } from "./interfaces/redInfoFormDownload";
import {
  redInfoFormDeleteHandler,
  redInfoFormListHandler,
  redInfoFormRevokeHandler,
  redInfoFormRollbackHandler,
} from "./interfaces/redInfoFormActions";
import {
  inputCollectionQueryHandler,
  inputCollectionSettler,
  inputCollectionStartHandler,
  inputPoolQueryHandler,
} from "./interfaces/inputCollection";

export function createSandboxRegistry(): InterfaceRegistry {
  return new InterfaceRegistry()
    .register(invoiceOpenHandler)
    .register(invoiceQueryHandler)
    .register(invoiceBatchQueryHandler)
    .register(redConfirmApplyHandler)
    .register(invoiceRedHandler)
    .register(redConfirmRevokeHandler)
    .register(redConfirmConfirmHandler)
    .register(redConfirmDownloadHandler)
    .registerTaskSettler(redConfirmDownloadSettler)
    .registerTaskSettler(redConfirmStatusUpdateSettler)
    .register(redConfirmQueryHandler)
    .register(blueInvoiceQueryHandler)
    .register(redConfirmRollbackHandler)
    .register(redConfirmDeleteHandler)
    .register(taskQueryHandler)
    .register(pendingRedListHandler)
    .register(pendingRedDeleteHandler)
    .register(taxControlQuickRedHandler)
    .register(taxControlIssueHandler)
    .register(redInfoFormApplyHandler)
    .register(redInfoFormDownloadHandler)
    .register(redInfoFormListHandler)
    .register(redInfoFormRevokeHandler)
    .register(redInfoFormRollbackHandler)
    .register(redInfoFormDeleteHandler)
    .register(inputCollectionStartHandler)
    .register(inputCollectionQueryHandler)
    .registerTaskSettler(inputCollectionSettler)
    .register(inputPoolQueryHandler);
}

export { SEED_ORGS, SEED_VERSION, sandboxAccounts, seedIfEmpty, seedTaxId, seedCredentials } from "./seed";
export type { SandboxAccount } from "./seed";
export {
  type SandboxSecrets,
  derivedSandboxSecrets,
  generateSandboxSecrets,
  prepareSandboxSecrets,
  resetSandboxSecrets,
  secretsFile,
} from "./secrets";
