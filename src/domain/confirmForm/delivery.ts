/**
 * 交付邮箱 / 交付手机 of the red invoice (domain-rules §4.13, §9 A10): 开票申请单 > 红字确认单, and the
 * email + phone pair is one group — whichever document has either member supplies both, as is.
 */

export interface Contacts {
  readonly email: string | null;
  readonly phone: string | null;
}

export type ContactSource = "开票申请单" | "红字确认单";

export interface DeliveryContact extends Contacts {
  /** Where the pair came from; null when neither document has a contact. */
  readonly from: ContactSource | null;
}

function clean(v: string | null | undefined): string | null {
  const t = (v ?? "").trim();
  return t === "" ? null : t;
}

function hasAny(c: Contacts | null | undefined): c is Contacts {
  return !!c && (clean(c.email) !== null || clean(c.phone) !== null);
}

export function deliveryContact(
  application: Contacts | null | undefined,
  form: Contacts | null | undefined
): DeliveryContact {
  if (hasAny(application))
    return { from: "开票申请单", email: clean(application.email), phone: clean(application.phone) };
  if (hasAny(form)) return { from: "红字确认单", email: clean(form.email), phone: clean(form.phone) };
  return { from: null, email: null, phone: null };
}
