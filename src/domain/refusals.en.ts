import type { RefusalCode } from "./refusals";

/**
 * The refusal catalogue in English, for the English UI, `hongchong … --lang en` and `eval --lang en`.
 * Same codes, same `{name}` placeholders as the Chinese catalogue (a unit test holds the two together);
 * the type makes a code without an English message a compile error. Labels the manuals give in
 * Chinese (statuses, menu paths) are kept in quotes after their English meaning where a clerk will
 * meet the Chinese on the invoice cloud's own pages.
 */
export const REFUSALS_EN: Readonly<Record<RefusalCode, string>> = {
  // ── 000 发票红冲 ───────────────────────────────────────────────────────────
  BATCH_LIMIT_EXCEEDED: "At most 10 invoices can be reversed in one batch",
  DUPLICATE_ROW_CONFLICT:
    "Same blue invoice as row {rows}, but {field} differs ({values}): make the values agree, or delete the extra rows and run the pre-check again",
  DUPLICATE_ROW:
    "This row repeats row {rows} (same blue invoice, every column equal) and was not submitted: delete the duplicate rows, or tick “submit duplicate rows once” and run the pre-check again",
  TAX_CONTROL_ORDINARY_FULL_ONLY:
    "Tax-control ordinary invoices can only be reversed in full: the amount to reverse must equal the reversible amount {available} (or be left empty for a full reversal)",
  INVOICE_STATUS_NOT_REVERSIBLE:
    "Only invoices whose status is “normal” or “partly reversed” can be reversed",
  NO_REVERSIBLE_AMOUNT: "The invoice's reversible amount must be greater than 0 to reverse it",
  INSUFFICIENT_REMAINING:
    "Not enough reversible amount left. Invoicing → Pending invoices (待开发票) may hold un-issued reversal data for this invoice; deal with it first.",
  DUPLICATE_PENDING_SAME_AMOUNT:
    "Pending invoices (待开发票) already hold a reversal with the same amount as this invoice's reversible amount. Deal with it first under Invoicing → Pending invoices.",
  UNKNOWN_INVOICE_KIND: "Unrecognised invoice kind: {value}",

  // ── 001 红字信息表 ─────────────────────────────────────────────────────────
  INFO_FORM_NOT_APPROVED: "Only forms approved by the tax bureau can be reversed",
  INFO_FORM_ALREADY_RED_FLUSHED:
    "A red invoice has already been issued for this red-letter information form; it cannot be reversed twice",
  INFO_FORM_NUMBER_MISSING:
    "The red-letter information form needs its number from the tax bureau before reversing: upload it to the bureau first",
  SELLER_TAX_ID_MISMATCH:
    "The seller tax ID must equal the tax ID of the enterprise in the current business unit",
  INFO_FORM_REVOKE_NOT_APPROVED:
    "Only red-letter information forms approved by the tax bureau can be revoked",
  INFO_FORM_ALREADY_INVOICED: "A red-letter information form that has been reversed cannot be revoked",
  INFO_FORM_APPROVED_NOT_DELETABLE: "An approved red-letter information form cannot be deleted",
  INFO_FORM_INVOICED_NOT_DELETABLE: "An invoiced red-letter information form cannot be deleted",
  INFO_FORM_REVOKED_TERMINAL:
    "The red-letter information form has been revoked; nothing more can be done with it",
  INFO_FORM_NOT_LINKED:
    "Only red-letter information forms linked to an invoicing document can be rolled back",
  INFO_FORM_ROLLBACK_INVOICED:
    "An invoiced red-letter information form cannot be returned to its invoicing request",
  INFO_FORM_SUBMIT_STATUS:
    "Only red-letter information forms whose status is “not uploaded” or “approval failed” can be submitted to the tax bureau",
  INFO_FORM_EDIT_STATUS:
    "Only red-letter information forms whose status is “not uploaded” or “approval failed” can be edited",
  INFO_FORM_BLUE_FIELD_REQUIRED: "{applicant}: {field} is required",
  AMOUNT_EXCEEDS_REVERSIBLE: "The amount to reverse must not exceed the blue invoice's reversible amount",
  INFO_FORM_FILER_NOT_ORG:
    "For {applicant}, {field} must be this enterprise's tax ID “{orgTaxId}” (it is “{value}”): check the applicant and the tax ID",
  DOWNLOAD_SCOPE_REQUIRED: "Tick at least one of “applied by us” and “applied by other enterprises”",
  INFO_FORM_BLUE_MISMATCH:
    "The blue invoice of red-letter information form “{formNo}” (invoice code {code}, number {no}) is not the blue invoice being reversed",
  INFO_FORM_NO_BLUE:
    "Red-letter information form “{formNo}” names no blue invoice (buyer applied, already deducted), so it cannot be quick-reversed: issue the red invoice from the form",
  QUICK_RED_FULL_ONLY:
    "Quick reversal of tax-control invoices is full only: the form's amount {amount} differs from the blue invoice's reversible amount {remaining}",
  TAX_CONTROL_BLUE_ISSUE_NOT_SIMULATED:
    "The sandbox's tax-control invoicing only simulates red invoices (invoiceProperty 1); issue blue invoices in the tax-control invoicing system",
  INFO_FORM_LINE_UNMATCHED:
    "Line {row} of red-letter information form “{formNo}” ({goods}, rate {taxRate}) matches no blue invoice line with the same goods name, the same rate and enough reversible amount left",

  // ── 002 红字确认单 ─────────────────────────────────────────────────────────
  ENTRY_ALREADY_ENTERED:
    "Only red-letter confirmation forms whose entry status is “not entered” or “entry failed” can be entered",
  ENTRY_AUDIT_STATUS:
    "Only red-letter confirmation forms whose review status is “reviewed” or “no review needed” can be entered",
  BUYER_ENTRY_NEEDS_USAGE_CONFIRMED:
    "The buyer has not confirmed the use of the blue invoice (ticked / booked), so only the seller can enter the confirmation form, for a full reversal",
  NOT_PENDING_OUR_CONFIRMATION:
    "Only confirmation forms awaiting this enterprise's confirmation can be confirmed or rejected",
  REVOKE_NOT_VALID_STATUS: "Only valid confirmation forms (status 01–04) can be revoked",
  REVOKE_ALREADY_INVOICED: "A confirmation form can only be revoked before its red invoice is issued",
  REVOKE_WRONG_PARTY:
    "A confirmation form can only be revoked by the party that acted on it last; only {party} may revoke it now",
  REVOKE_ENTRANT_UNKNOWN:
    "When the status is “confirmed by both parties” the entering party must be known to tell who may revoke: download or update the form's status first",
  NOT_ENTERED: "Only confirmation forms entered successfully can be reversed",
  NOT_INVOICEABLE_STATUS:
    "Only confirmation forms whose status is “no confirmation needed” or “confirmed by both parties” can be reversed",
  ALREADY_INVOICED:
    "A red invoice has already been issued for this confirmation form; it cannot be reversed twice",
  ROLLBACK_SOURCE_NOT_ALLOWED:
    "Only data whose source is “matching result push” or “document invoicing” can be rolled back.",
  ROLLBACK_INVOICE_STATUS:
    "Only data whose invoicing status is “not invoiced” or “invoicing failed” can be rolled back.",
  ROLLBACK_ENTRY_STATUS:
    "Only data whose entry status is “not entered” or “entry failed”, or “entered” with confirmation status “void”, can be rolled back.",
  DELETE_ENTRY_STATUS:
    "Only data whose entry status is “not entered”, “entry failed”, or “entered, not invoiced (downloaded from the tax bureau)” can be deleted.",
  DELETE_AUDIT_STATUS: "Only data whose review status is “draft” or “no review needed” can be deleted.",
  DELETE_ALLOCATED: "This data has been allocated and cannot be deleted.",
  DELETE_SOURCE_USE_ROLLBACK:
    "Data whose source is “matching result push” or “document invoicing” cannot be deleted; roll it back instead.",
  QTY_TOLERANCE_EXCEEDED:
    "The quantity to reverse exceeds the blue invoice's remaining reversible quantity (by {diff}, more than 0.001); it cannot be entered",
  ISSUE_ERROR_FULL_ONLY: "“Invoicing error” can only be reversed in full",
  FIELD_NOT_EDITABLE: "{field} cannot be edited when the reversal reason is “{reason}”",
  DISCOUNT_LINE_NOT_EDITABLE:
    "The blue invoice line carries a discount line; it cannot be edited yet and can only be reversed whole",
  DIFF_TAX_FULL_ONLY: "Invoices taxed on the difference (差额征税) can only be reversed in full",
  REDUCED_LEVY_NO_SALES_RETURN: "Reduced-levy invoices do not support “sales return”",
  REDUCED_LEVY_RENTAL_POLICY_MISSING:
    "A line for individual housing rental (reduced levy) needs the preferential policy “5% simplified, levied at 1.5%”; without it a partial reversal cannot be calculated, only a full one",
  RCF_RED_FLUSH_WRONG_PARTY: "This confirmation form can only be reversed by {party} ({why})",
  CONFIRM_LINE_NO_REQUIRED:
    "A partly reversed line needs its line number (the blue invoice's line), or the invoice cloud cannot tell which line to reverse; for a full reversal clear the amount column",
  NO_UNIT_PRICE:
    "The blue invoice line has no reversible unit price or remaining quantity, so it cannot be reversed by quantity",
  NON_POSITIVE: "{field} must be greater than 0",
  EXCEEDS_REMAINING: "{field} must not exceed the remaining reversible value {remaining}",
  UNKNOWN_CONFIRM_STATUS: "Unknown confirmation status code: {value} (expected 01–10 or its name)",
  NO_CONFIRMATION_FULL_ONLY:
    "The buyer has not confirmed the blue invoice's use, so the form needs no confirmation (01) and can only reverse in full; a partial reversal needs the buyer's use confirmation and the other party's confirmation",
  RCF_AWAITING_NOT_ISSUED: "The confirmation form's status is {statusLabel}; no invoice was issued",
  RCF_BLUE_NOT_FOUND: "Blue invoice “{invoiceNo}” does not exist, or this enterprise is not its {role}",
  RCF_BLUE_NOT_DIGITAL:
    "Blue invoice “{invoiceNo}” is not a fully digital (数电) invoice; confirmation forms are only for fully digital invoices",
  RCF_BILL_NOT_FOUND:
    "Confirmation form “{number}” does not exist, or this enterprise is neither its seller nor its buyer",
  RCF_BILL_INVOICE_MISMATCH:
    "The blue invoice of confirmation form “{number}” is “{billInvoiceNo}”, not the requested blue invoice number “{invoiceNo}”",
  RCF_BILL_KEYS_MISMATCH:
    "Confirmation form number “{number}” and the bureau's form UUID “{uuid}” are not the same form",
  RCF_IDENTITY_MISMATCH:
    "Entering party enteridentity={code} does not match this enterprise's role in confirmation form “{number}” ({role})",
  RCF_BAD_REASON: "Reversal reason code “{code}” is invalid; choose 1–4 (or 01–04)",
  RCF_LINE_NOT_FOUND: "Blue invoice “{invoiceNo}” has no line with sequence {seq} (originalSeq starts at 0)",
  RCF_LINE_DUPLICATE: "Line originalSeq={seq} is repeated",
  RCF_LINE_MISMATCH:
    "Line {row}: {field} differs from the calculation for reversal reason “{reason}”: expected {expected}, received {actual}",
  RCF_DETAIL_MISMATCH:
    "The reversal lines differ from those of confirmation form “{number}”: reversing through a form issues its own lines, so the lines may be left out",
  RCF_FORM_NOT_FOUND: "This enterprise has no confirmation form with serial number or number “{key}”",
  RCF_DOWNLOAD_NO_DIGITAL_CHANNEL:
    "This enterprise has no fully digital (数电) invoicing channel configured, so confirmation forms cannot be downloaded from the tax bureau",
  RCF_DOWNLOAD_OWNED_BY_OTHER:
    "Both parties use the invoice cloud and “{org}” downloaded this confirmation form from the bureau first; it belongs to that organisation and is not kept here",

  // ── 003 进项发票关键要素同步 ───────────────────────────────────────────────
  SMALL_SCALE_NO_DEDUCTION_DOWNLOAD:
    "Small-scale taxpayers cannot download deduction-ticking data. You can change this in the invoice cloud's enterprise master data according to the enterprise's record at the tax bureau.",
  SMALL_SCALE_NO_DEDUCTION_API: "Small-scale taxpayers cannot tick invoices for deduction",
  LEQI_NOT_SUPPORTED: "This function is not yet available on the Leqi (乐企) channel",
  FLIGHT_TOTAL_RULE_UNKNOWN:
    "The rule for the total (e-tax bureau) of fully digital (数电) air tickets issued on or after 28 July 2025 has not been published; not calculated",

  // ── Cell / field input (parse/) ─────────────────────────────────────────────
  FIELD_REQUIRED: "{field} is required",
  NOT_A_NUMBER: "{field} is not a valid number: “{value}”",
  TOO_MANY_DECIMALS: "{field} allows at most {dp} decimal places: “{value}”",
  NEGATIVE_NOT_ALLOWED: "{field} must not be negative: “{value}”",
  OUT_OF_RANGE: "{field} is out of range: “{value}” ({range})",
  NOT_A_RATE: "{field} is not a valid tax rate: “{value}” (e.g. 13%, 0.13)",
  NOT_A_DATE: "{field} is not a valid date: “{value}” (e.g. 2024-10-22 or 2024-10-22 10:44:24)",
  NOT_AN_INTEGER: "{field} must be a whole number: “{value}”",
  BAD_TAX_ID_FORMAT:
    "{field} is malformed: “{value}” (expected an 18-character unified social credit code, or a 15-, 17- or 20-character tax ID, digits and capital letters only)",
  BAD_TAX_ID_CHECK:
    "{field} has a wrong check character: “{value}” (by GB 32100 the 18th character should be “{expected}”)",
  BAD_INVOICE_CODE: "{field} is malformed: “{value}” (expected 10 or 12 digits)",
  BAD_INVOICE_NUMBER:
    "{field} is malformed: “{value}” (tax-control invoices have 8 digits, 数电 invoices 20 digits)",
  BAD_ENUM: "{field} value “{value}” is invalid; choose from: {allowed}",
  BAD_BOOLEAN: "{field} must be “是” (yes) or “否” (no): “{value}”",
  TAX_CODE_FORMAT:
    "{field} must be 19 digits: “{value}” (the goods and services tax classification code; pad with 0 at the end if shorter)",
  LINE_TAX_OUT_OF_TOLERANCE:
    "Tax “{actual}” differs from amount × rate ({amount} × {rate} = {expected}) by {diff}, more than the allowed {tolerance}: change the tax to {expected}",
  TOTAL_OUT_OF_TOLERANCE:
    "{field} “{actual}” differs from amount + tax ({expected}) by {diff}, more than the allowed {tolerance}: check the amount, the tax and {field}",
  RATE_TOO_MANY_DECIMALS:
    "{field} allows at most {dp} decimal places (the invoice cloud's rate precision): “{value}”",
  BAD_TAX_ID_CHECK_EITHER:
    "{field} has a wrong check character: “{value}” (as a unified social credit code, GB 32100, the 18th character should be “{uscc}”; as a resident ID number, GB 11643, “{resident}”)",
  DUPLICATE_LINE_CONFLICT:
    "Same line of the same document as row {rows} ({line}), but {field} differs (this row “{value}”, row {rows} “{other}”): keep only the correct row",
  DUPLICATE_LINE_REPEAT:
    "Identical to row {rows} (the same line {line} of the same document): delete the repeated row, or it would be reversed twice",
  DOCUMENT_FIELD_CONFLICT:
    "{field} must be the same across one document ({group}): this row “{value}”, row {rows} “{other}”; make them agree before importing",
  TEXT_TOO_LONG: "{field} is longer than the maximum {max}: “{value}”",
  TEXT_UNSAFE_CHARACTER:
    "{field} contains an invisible control or direction character ({char}); delete it and type the value again",
  CELL_ERROR_VALUE:
    "The {field} cell holds the error value “{value}”; fix the cell's formula or content first",
  CELL_FORMULA_NOT_CALCULATED:
    "The {field} cell holds the formula “{formula}” but the file has no calculated result for it (the program that wrote the file did not calculate formulas): open the file in Excel and save it before importing, or replace the formula with a value",
  LEADING_ZEROS_LOST:
    "{field} “{value}” has lost its leading zeros (the cell is a number, {expected}): format the column as text and enter it again",
  DIGITS_LOST_IN_NUMBER_CELL:
    "{field} “{value}” has more than the 15 digits an Excel number cell keeps exactly: format the column as text and enter it again",

  // ── Workbook ───────────────────────────────────────────────────────────────
  SHEET_NO_SELECTION: "Select the rows to process in the worksheet first (hold Ctrl to select several areas)",
  SHEET_HEADER_NOT_FOUND:
    "No {kind} header found above the selection in sheet “{sheet}” (it must contain: {required}); use a template made by “New sheet” and do not change the header text",
  SHEET_REQUIRED_COLUMNS_MISSING:
    "Sheet “{sheet}” lacks required columns: {columns}; add them to the header row and try again",
  SHEET_MULTIPLE_TABLES: "The selection spans several tables ({tables}); select rows of one table only",
  SHEET_NO_DATA_ROWS: "The selection has no data rows to process (below the header, visible and not empty)",
  SHEET_NOT_FOUND:
    "Sheet “{sheet}” was not found; it may have been deleted or renamed. Select the rows to process again",
  SHEET_HEADER_CHANGED:
    "The header in row {row} of sheet “{sheet}” was changed or moved; select the rows again before writing the results back",
  SHEET_NO_STATUS_COLUMN:
    "Sheet “{sheet}” has no status column (处理状态) yet: run once, then show the failed rows",
  SHEET_FILTER_UNSUPPORTED:
    "This version of Excel does not let add-ins filter (ExcelApi 1.9 is needed): use Excel's Filter on the status column (处理状态) for “失败”",
  SHEET_CANCELLED: "Cancelled; what was done so far stays in the worksheet",
  SHEET_VALUE_INVALID: "Record {row}: {field} “{value}” cannot be written to the worksheet: {reason}",
  SHEET_UPSERT_KEY_MISSING:
    "Record {row} lacks {fields}, so it cannot be matched to an existing row of sheet “{sheet}”; nothing was written",
  SHEET_TABLE_HEADER_MISMATCH:
    "The header in row 1 of sheet “{sheet}” ({found}) differs from the header to append ({expected}); use a new sheet or choose “overwrite”",

  // ── Files (.xlsx) ──────────────────────────────────────────────────────────
  FILE_NOT_FOUND: "File “{file}” not found; check the path",
  FILE_NOT_XLSX:
    "File “{file}” is not an Excel workbook (.xlsx); in Excel use “Save as” Excel Workbook (*.xlsx) and import that",
  FILE_ENCRYPTED:
    "File “{file}” has an opening password (it is encrypted); remove the password in Excel (File → Info → Protect Workbook → Encrypt with Password, clear it) and import again",
  FILE_TOO_LARGE:
    "File “{file}” is {size}, over the limit of {limit}; split it into several files and import them one by one",
  FILE_TOO_MANY_ROWS:
    "Sheet “{sheet}” has {rows} data rows, over the limit of {limit}; split it into several files and import them one by one",
  FILE_NO_HEADER:
    "No header found in sheet “{sheet}” (it must contain: {required}); use the downloaded template and do not change the header text",
  FILE_MERGED_HEADER:
    "The header of sheet “{sheet}” has merged cells ({cells}); unmerge them, one header per column, and import again",
  FILE_DUPLICATE_COLUMN:
    "“{column}” appears in several columns of sheet “{sheet}” ({cells}); delete the repeated columns and import again",
  FILE_HIDDEN_ROWS:
    "Sheet “{sheet}” has hidden rows (rows {rows}) and hidden data would be imported too; unhide or delete them and import again",
  FILE_NO_DATA: "Sheet “{sheet}” has no data rows below the header",
  FILE_SHEET_NOT_FOUND: "The file has no sheet named “{sheet}”",
  FILE_UNKNOWN_KIND: "Unknown template kind “{kind}”; choose from: {allowed}",
  FILE_SUBMIT_NOT_SUPPORTED: "The “{kind}” template cannot be submitted to the invoice cloud directly",
  FILE_IS_POOL_EXPORT:
    "Sheet “{sheet}” is an input-invoice pool list (input invoices exported by hongchong), not a template to import: input invoices were received by this enterprise and their reversal is started by the seller. To download input invoices use the “input invoice download” template",
  FILE_SUBMIT_RESULT_EXISTS:
    "{out} already exists and records the serial numbers of the last submission: run hongchong import “{out}” --submit again on it (rows that succeeded are skipped, rows in progress are re-sent under their own serial numbers, nothing is issued twice); to start again from the original file, move it away first or name a new file with --out",
  FILE_GROUP_HAS_ERRORS:
    "Rows {rows} of the same document ({group}) have errors, so the whole document was not imported; fix them together and import again",
  FILE_SUBMIT_PENDING:
    "Submitted to the invoice cloud, no result received yet (serial number {serialNo}); importing again re-submits under the same serial number and creates nothing twice",
  FILE_ZIP_TOO_MANY_ENTRIES:
    "File “{file}” has {count} parts, over the limit of {limit}; it is not a normal Excel workbook and was not imported. Open it in Excel, save it as a new workbook and import that",
  FILE_UNCOMPRESSED_TOO_LARGE:
    "File “{file}” unpacks to more than the {limit} limit (at least {size}) and was not imported; split it into several files and import them one by one",
  FILE_COMPRESSION_SUSPICIOUS:
    "Part “{part}” of file “{file}” compresses by more than the {limit}:1 limit ({compressed} unpacks to at least {size}); it does not look like a workbook saved by Excel (perhaps a crafted archive) and was not imported. Open it in Excel, check it and save it as a new workbook before importing",
  FILE_TOO_MANY_STRINGS:
    "File “{file}” has more than {limit} shared strings (distinct texts; at least {count}) and was not imported; split it into several files and import them one by one",
  FILE_CELL_TOO_LONG:
    "{cell} has {length} characters, over Excel's cell limit of {limit}, and was not imported; shorten the cell and import again",
  FILE_TOO_LARGE_TO_LOAD:
    "File “{file}” has {cells} cells; loading it whole (keeping its formatting) needs about {estimate} of memory, over the limit of {limit}, so it was not imported. Add --stream to import it as a stream (--kind is then required, and the result file keeps the data but not the formatting), or split it into several files",
  DATE_RANGE_REVERSED: "{from} must not be later than {to}",

  // ── Custom functions ───────────────────────────────────────────────────────
  CF_SHAPE_MISMATCH:
    "The range arguments differ in size ({shapes}): every range must have the same rows and columns, and the other arguments must be single cells",
  CF_SINGLE_COLUMN_ONLY:
    "{fn} returns a whole row per row, so its range arguments must be one column (this one is {shape})",
  CF_SINGLE_CELL_ONLY: "{field} must be a single cell, not a range",

  // ── Task pane ──────────────────────────────────────────────────────────────
  PANE_PARTIAL_NEEDS_LINE_DETAIL:
    "The blue invoice has {lines} reversible lines, and a partial reversal must give amounts per line: fill them in by line in a “red-letter confirmation form” or “red-letter information form” sheet and submit from there",
  PANE_RESULT_PENDING:
    "Submitted to the invoice cloud, no result yet (serial number {serialNo}). Running again first looks the result up under the same serial number and reverses nothing twice",
  PANE_RUN_STOPPED_UNSENT:
    "Stopped: this invoice was not submitted (not reversed); run the pre-check again and submit",
  PANE_NOT_TAX_CONTROL_SPECIAL:
    "Only tax-control special invoices (VAT special invoices, VAT electronic special invoices) need a red-letter information form",
  PANE_NOT_DIGITAL: "Only fully digital (数电) invoices use red-letter confirmation forms",
  PANE_ORG_TAX_ID_MISSING: "Enter the organisation's tax ID in Settings first",
  PANE_FORM_NUMBER_MISSING: "No {form} number: enter/upload or download it first",
  PANE_NOT_SIGNED_IN:
    "Not connected to the invoice cloud: enter the sign-in details in Settings and click “Test connection”",

  // ── Lists read from the cloud ──────────────────────────────────────────────
  LIST_INCOMPLETE:
    "{list} is incomplete: the invoice cloud reports {total} records but only {got} were read; try again later",
  LIST_TOO_LONG:
    "{list} has {total} records, over the limit of {cap} for one read, and was not read: narrow the date range and work in batches",
  EXPORT_TOO_MANY_ROWS:
    "{list} has {total} records, over the export limit of {cap}, and was not exported: narrow the date range with --from/--to and export in batches",

  // ── Gateway / protocol ─────────────────────────────────────────────────────
  GW_NETWORK:
    "Network failure, the invoice cloud cannot be reached ({detail}); check the network or proxy settings and try again",
  GW_TIMEOUT:
    "The invoice cloud did not answer within {timeoutMs} ms, so the result is unknown: look it up later under the same serial number; do not submit again under a new one",
  GW_AUTH_FAILED:
    "Invoice cloud authentication failed: {message}. Check the app ID, app secret, data centre ID and sign-in user",
  GW_TOKEN_EXPIRED:
    "The invoice cloud access token expired and a fresh one was refused as well; check the sign-in user and try again",
  GW_BAD_RESPONSE:
    "The invoice cloud answered with data that cannot be read ({detail}); contact your administrator",
  GW_BUSINESS_ERROR: "The invoice cloud returned an error: {message}",
  GW_DUPLICATE_SERIAL:
    "Serial number “{serialNo}” was submitted before and the invoice cloud refuses repeated serial numbers; look up its result under that serial number",
  GW_NOT_FOUND: "The invoice cloud found no matching data: {message}",
  GW_RATE_LIMITED: "Too many requests to the invoice cloud; try again shortly",
  GW_SERVER_ERROR: "The invoice cloud is temporarily unavailable (HTTP {status}); try again later",
  GW_BAD_ENVELOPE:
    "The request envelope is invalid: {detail} (it must contain requestId, businessSystemCode, interfaceCode and data)",
  GW_BAD_DATA_ENCODING: "The request data (data) cannot be decoded: {detail}",
  GW_UNKNOWN_INTERFACE: "Unknown interface code: “{interfaceCode}”",
  GW_VALIDATION: "The request data is invalid: {detail}",
  GW_BODY_TOO_LARGE: "The request is too large (limit {limit} bytes)",
  GW_FORBIDDEN_ORG: "This account may not act for the organisation or tax ID {taxNo}",
  GW_CONFIG_INVALID: "The invoice cloud connection settings are incomplete: {detail}",
  GW_BAD_JSON: "The request is not valid JSON: {detail}",
  GW_UNSUPPORTED_MEDIA_TYPE:
    "The request must be JSON (Content-Type: application/json); received: {contentType}",
  GW_TOKEN_MISSING:
    "access_token is missing: call the get-access_token interface first and send the token in the query string or a header",
  GW_TOKEN_INVALID: "access_token is invalid or expired (it lasts two hours); get a new one",
  GW_APP_CREDENTIALS_INVALID: "appId, appSecret or accountId is wrong",
  GW_APP_TOKEN_INVALID: "app_token is invalid or expired; get a new app_token",
  GW_LOGIN_USER_INVALID: "Sign-in user “{user}” does not exist or does not belong to this app's data centre",
  GW_WRONG_ENDPOINT: "Interface “{interfaceCode}” cannot be called at this address; use {path}",
  GW_NOT_IMPLEMENTED: "Interface “{interfaceCode}” is not available in the current gateway mode yet",
  GW_ROUTE_NOT_FOUND: "No such address: {method} {url}",
  GW_SANDBOX_ONLY: "This function is only available in sandbox mode",
  GW_ADMIN_UNAUTHORIZED:
    "The sandbox admin interface needs authorisation: send the sandbox admin key (shown by hongchong sandbox accounts) in the Authorization: Bearer header, or this organisation's access_token",
  GW_ADMIN_ONLY:
    "{what} affects every organisation in the sandbox and needs the sandbox admin key (shown by hongchong sandbox accounts); an organisation's access_token cannot do it",
  GW_ADMIN_NEEDS_ORG:
    "{what} belongs to one organisation: send that organisation's access_token (the sandbox admin key stands for no organisation)",
  GW_CLOCK_OUT_OF_RANGE:
    "The sandbox clock cannot be set to {at}: {reason} (allowed: {from} to {to}, Beijing time)",
  GW_UNSUPPORTED_CHARSET: "The request must be UTF-8; received charset={charset}",
  GW_BAD_UTF8: "The request is not valid UTF-8 text (at byte {position})",
  GW_OWN_NAME_MISMATCH:
    "Name “{name}” differs from the name registered for tax ID {taxNo}, “{orgName}”; use the registered name",
  GW_RELAY_FAILED: "Relaying to the invoice cloud failed: {detail}",
  GW_INTERNAL_ERROR: "Internal gateway error; try again later (request {requestId})",
  GW_CALLBACK_URL_FORBIDDEN: "The callback address cannot be used: {reason}",
};
