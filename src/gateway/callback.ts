/**
 * 2.1.02 数电票回调: reading the body 发票云 POSTs to our registered URL, and the exact ack it
 * expects back (piaozone-api §2.1.02, SEEN). Used by the gateway server's callback receiver.
 */
import { Result, fail, ok } from "../domain/refusals";
import { DecodeOptions, decodeData } from "./codec";
import { isJsonObject } from "./json";
import { CALLBACK_RETURN_CODES, InvoiceCallbackData } from "./payloads";

export interface InvoiceCallback {
  readonly interfaceCode: string;
  /** returnCode "0": the invoice was issued; otherwise `returnMsg` says why not. */
  readonly issued: boolean;
  readonly returnCode: string;
  readonly returnMsg: string;
  /** Decoded payload (numbers as exact decimal strings); undefined when the cloud sent none. */
  readonly data: InvoiceCallbackData | undefined;
}

/** Decode a callback body (already parsed with parseJsonExact). Refuses malformed bodies with GW_ codes. */
export async function readInvoiceCallback(
  body: unknown,
  codec: DecodeOptions
): Promise<Result<InvoiceCallback>> {
  if (!isJsonObject(body)) return fail("GW_BAD_ENVELOPE", { detail: "回调报文不是 JSON 对象" });
  const interfaceCode = typeof body.interfaceCode === "string" ? body.interfaceCode.trim() : "";
  const returnCode = typeof body.returnCode === "string" ? body.returnCode.trim() : "";
  if (interfaceCode === "" || returnCode === "") {
    return fail("GW_BAD_ENVELOPE", { detail: "回调报文缺少 interfaceCode 或 returnCode" });
  }
  const decoded = await decodeData(body.data, codec);
  if (decoded.kind === "opaque") return fail("GW_BAD_DATA_ENCODING", { detail: "回调 data 无法解码" });
  if (decoded.kind === "json" && !isJsonObject(decoded.value)) {
    return fail("GW_BAD_DATA_ENCODING", { detail: "回调 data 不是对象" });
  }
  return ok({
    interfaceCode,
    issued: returnCode === CALLBACK_RETURN_CODES.success,
    returnCode,
    returnMsg: typeof body.returnMsg === "string" ? body.returnMsg : "",
    data: decoded.kind === "json" ? (decoded.value as unknown as InvoiceCallbackData) : undefined,
  });
}
