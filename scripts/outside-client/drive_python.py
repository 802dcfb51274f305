#!/usr/bin/env python3
"""Drive the sandbox gateway with the unmodified third-party Python SDK `piaozone` (fapiaozone-sdk).

Our code only: the SDK is imported from the directory the caller names (--sdk), never from this tree.
Each check prints one line — PASS / FAIL / EXPECTED-VENDOR-QUIRK / SKIP, the interface and the call — and,
unless it passed, the server's reply (data decoded with the SDK's own codec) indented below it.
The last line is `SUMMARY python: …`; the exit code is 1 when any check FAILed.

  /usr/bin/python3 drive_python.py --sdk DIR --base https://127.0.0.1:PORT --ca cert.pem \
      --admin http://127.0.0.1:PORT --accounts accounts.json

--accounts is the output of `hongchong sandbox accounts --json`; --admin is the gateway itself (plain http),
used only for the sandbox's story clock (POST /sandbox/clock) while polling 4.1.04.
"""
import argparse
import json
import os
import re
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

# Interfaces exercised (interfaceCode → section of shared/spec/piaozone-api.md).
OPEN, QUERY, RED, BILL_QUERY = "ALLE.INVOICE.OPEN", "ALLE.INVOICE.QUERY", "ALLE.INVOICE.RED", "ALLE.REDCONFIRMBILL.QUERY"

# The vendor's codes a third-party client sees (vendor reply mode, no x-hongchong-detail header).
DUPLICATE_SERIAL, FAILURE = "10127", "9999"
# Fields of our own that the vendor never sends; a third-party client must not see them.
EXTENSION_FIELDS = ("refusalCode", "refusalParams", "refusalField")

# Seeded 数电 blue invoice of the base64 seller that nobody has used yet: a full reversal needs no
# confirmation (src/server/sandbox/seed.ts, blueSpecs: dn("33", 9), 未用途确认的数电专票).
SEED_BLUE_FOR_RED = {"invoiceNum": "25330000000000000009", "invoiceType": "01"}
BUYER = {"buyerName": "广东蓝海采购有限公司", "buyerTaxpayerId": "91440300MA5HC0002F"}

results = []


def report(verdict, name, detail=None):
    results.append(verdict)
    print(f"{verdict} {name}", flush=True)
    if detail:
        for line in str(detail).splitlines():
            print(f"    {line}", flush=True)


def short(value, limit=700):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


class Wire:
    """What went over the wire, seen through a requests response hook (the SDK is not touched)."""

    def __init__(self, session):
        self.logins = 0
        self.last = None
        session.hooks["response"].append(self._seen)

    def _seen(self, response, *args, **kwargs):
        path = response.request.path_url.split("?")[0]
        if path.endswith("/api/login.do"):
            self.logins += 1
        if path.endswith("/openApi"):
            # Reading .content here is safe: iter_content() then replays the cached bytes.
            try:
                self.last = json.loads(response.content.decode("utf-8"))
            except ValueError:
                self.last = response.content[:500].decode("utf-8", "replace")
        return response


def shown(client, wire):
    """The last openApi reply, its data decoded with the client's codec where that works."""
    reply = wire.last
    if not isinstance(reply, dict):
        return f"reply: {short(reply)}"
    out = dict(reply)
    data = out.get("data")
    if isinstance(data, str) and data:
        try:
            out["data"] = client.codec.decode(data)
        except Exception:  # a plain serial number, or not decodable: show it as sent
            pass
    return f"reply: {short(out)}"


def trusting_session(ca):
    """A requests session that trusts the front's throwaway certificate. trust_env off: REQUESTS_CA_BUNDLE /
    CURL_CA_BUNDLE in the environment would otherwise override `verify`, and no proxy applies to loopback."""
    import requests

    session = requests.Session()
    session.trust_env = False
    session.verify = ca
    return session


def money(x):
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# The sandbox admin key (`adminKey` of `sandbox accounts --json`): POST /sandbox/clock needs it.
ADMIN_KEY = ""


def poll_issued(client, admin, serial, tax_id, want_property):
    """4.1.04 until the invoice leaves 开票中 (2); the story clock is moved a minute per try."""
    admin_session = trusting_session(True)
    for _ in range(10):
        r = client.invoice.query(serial, tax_id)
        if not r.get("success") or not isinstance(r.get("data"), dict):
            return r, "query refused"
        status = str(r["data"].get("invoiceStatus"))
        if status != "2":
            ok = status == "0" and str(r["data"].get("invoiceProperty")) == want_property
            return r, None if ok else f"invoiceStatus {status}, invoiceProperty {r['data'].get('invoiceProperty')}"
        moved = admin_session.post(f"{admin}/sandbox/clock", json={"advanceMs": 60_000}, timeout=10,
                                   headers={"Authorization": f"Bearer {ADMIN_KEY}"})
        if moved.status_code != 200:
            return r, f"POST /sandbox/clock answered HTTP {moved.status_code}"
        time.sleep(0.2)
    return r, "still 开票中 after 10 polls"


def blue_payload(account, lines, **extra):
    return {
        "invoiceType": "01",
        "sellerName": account["name"],
        "sellerTaxpayerId": account["taxId"],
        **BUYER,
        "drawer": "张三",
        "invoiceDetail": lines,
        **extra,
    }


# The SDK README's line fields: lineProperty, goodsName, revenueCode, amount, taxRate (+ taxAmount, quantity, price).
LINES_WITH_TAX = [
    {"lineProperty": "0", "goodsName": "信息技术服务", "revenueCode": "3040201010000000000",
     "quantity": Decimal("2"), "price": Decimal("500.00"), "amount": Decimal("1000.00"),
     "taxRate": "0.06", "taxAmount": Decimal("60.00")},
]
LINES_WITHOUT_TAX = [
    {"lineProperty": "0", "goodsName": "办公用品", "revenueCode": "1060512990000000000",
     "amount": Decimal("88.50"), "taxRate": "0.13"},
    {"lineProperty": "0", "goodsName": "信息技术服务", "revenueCode": "3040201010000000000",
     "quantity": Decimal("1"), "price": Decimal("200.00"), "amount": Decimal("200.00"), "taxRate": "0.06"},
]


def expected_totals(lines):
    amount = sum((Decimal(l["amount"]) for l in lines), Decimal(0))
    tax = sum((Decimal(l["taxAmount"]) if "taxAmount" in l else money(Decimal(l["amount"]) * Decimal(l["taxRate"]))
               for l in lines), Decimal(0))
    return money(amount), money(tax)


def accepted_serial(client, data):
    """The serial a submission's opaque `data` names: the bare serial (the vendor's 2.1.01 example) or an
    encoded object carrying `serialNo` (our 2.1.04 answer, ASSUMPTIONS.md C3)."""
    if not isinstance(data, str):
        return None
    try:
        decoded = client.codec.decode(data)
    except Exception:
        return data
    return decoded.get("serialNo") if isinstance(decoded, dict) else data


def check_accepted(name, client, wire, reply, serial):
    ok = (reply.get("success") is True and str(reply.get("errorCode")) == "0"
          and accepted_serial(client, reply.get("data")) == serial)
    report("PASS" if ok else "FAIL", name, None if ok else shown(client, wire))
    return ok


def check_refused(name, client, wire, reply, code, about):
    """Refused with the vendor's code, a message naming what is wrong (regex `about`), none of our fields."""
    leaked = [f for f in EXTENSION_FIELDS if f in reply]
    message = reply.get("message") if isinstance(reply.get("message"), str) else ""
    ok = (reply.get("success") is False and str(reply.get("errorCode")) == code
          and re.search(about, message) and not leaked)
    why = f"want success=false, errorCode {code}, a message matching /{about}/, no {'/'.join(EXTENSION_FIELDS)}"
    report("PASS" if ok else "FAIL", name, f"message: {reply.get('message')}" if ok else f"{why}\n{shown(client, wire)}")


def run_account(piaozone, args, account, mode, run_id):
    session = trusting_session(args.ca)
    wire = Wire(session)
    options = {"encryption": mode}
    if mode == "aes":
        options["aes_password"] = account["aesPassword"]
    client = piaozone.Piaozone(args.base, account["appId"], account["appSecret"], account["accountId"],
                               account["user"], "OUTSIDE", session=session, **options)
    tag = f"({mode})"
    tax_id = account["taxId"]

    # 1.01 + 1.02
    try:
        token = client.access_token()
        report("PASS", f"1.01/1.02 access_token {tag}")
    except piaozone.PiaozoneError as e:
        report("FAIL", f"1.01/1.02 access_token {tag}: {type(e).__name__} {e}")
        return

    # 2.1.01 + 4.1.04, with and without taxAmount on the lines
    issued = {}
    for label, lines in (("lines with taxAmount", LINES_WITH_TAX), ("lines without taxAmount", LINES_WITHOUT_TAX)):
        serial = f"OC-{run_id}-{mode}-{'T' if label == 'lines with taxAmount' else 'N'}"
        name = f"2.1.01 issue_blue, {label} {tag}"
        try:
            reply = client.invoice.issue_blue(serial, blue_payload(account, lines))
        except piaozone.PiaozoneError as e:
            report("FAIL", f"{name}: {type(e).__name__} {e}", shown(client, wire))
            continue
        if not check_accepted(name, client, wire, reply, serial):
            continue
        issued[label] = serial
        name = f"4.1.04 query of it {tag}"
        try:
            reply, problem = poll_issued(client, args.admin, serial, tax_id, "0")
        except piaozone.PiaozoneError as e:
            report("FAIL", f"{name}: {type(e).__name__} {e}", shown(client, wire))
            continue
        if problem is None:
            d = reply["data"]
            want_amount, want_tax = expected_totals(lines)
            got = (money(d.get("totalAmount", "NaN")), money(d.get("totalTaxAmount", "NaN")))
            if not re.fullmatch(r"\d{20}", str(d.get("invoiceNum", ""))):
                problem = f"invoiceNum {d.get('invoiceNum')!r} is not 20 digits"
            elif got != (want_amount, want_tax):
                problem = f"totals {got[0]}/{got[1]}, expected {want_amount}/{want_tax}"
        report("PASS" if problem is None else "FAIL", name + ("" if problem is None else f": {problem}"),
               None if problem is None else shown(client, wire))
        if label == "lines with taxAmount":
            # Login once, reuse — checked before any refusal: the SDK drops its token on every failed reply.
            again = client.access_token()
            ok = again == token and wire.logins == 1
            report("PASS" if ok else "FAIL", f"token reused by 2.1.01 + 4.1.04, one login {tag}",
                   None if ok else f"logins: {wire.logins}, same token: {again == token}")

    # 2.1.13 — documented by the vendor as answering "success": "true" (a string)
    name = f"2.1.13 call {BILL_QUERY} {tag}"
    try:
        reply = client.call(BILL_QUERY, {"taxpayerId": tax_id, "identity": "0"})
        ok = reply.get("success") is True and isinstance(reply.get("data"), dict) and "dataList" in reply["data"]
        report("PASS" if ok else "FAIL", name, None if ok else shown(client, wire))
    except piaozone.ProtocolError as e:
        raw = wire.last if isinstance(wire.last, dict) else {}
        body = None
        try:
            body = client.codec.decode(raw.get("data"))
        except Exception:
            pass
        vendor_shape = (raw.get("success") == "true" and str(raw.get("errorCode")) == "0"
                        and isinstance(body, dict) and isinstance(body.get("dataList"), list))
        if vendor_shape:
            report("EXPECTED-VENDOR-QUIRK", f"{name}: ProtocolError {e}",
                   f'the reply is the vendor\'s documented shape ("success": "true", {len(body["dataList"])} bills); '
                   "the SDK's generic call rejects a string success — it would against the real vendor too")
        else:
            report("FAIL", f"{name}: ProtocolError {e}", shown(client, wire))
    except piaozone.PiaozoneError as e:
        report("FAIL", f"{name}: {type(e).__name__} {e}", shown(client, wire))

    # 2.1.04 — full reversal (no invoiceDetail, redReason 01 开票有误). Submission data is opaque
    # (the SDK's own issue_blue reads it so), hence decode_data=False.
    if mode == "base64":
        blue = dict(SEED_BLUE_FOR_RED, what="seeded blue")
    elif "lines with taxAmount" in issued:
        blue = {"invoiceNum": None, "invoiceType": "01", "what": "the blue issued above"}
        try:
            r = client.invoice.query(issued["lines with taxAmount"], tax_id)
            blue["invoiceNum"] = (r.get("data") or {}).get("invoiceNum") if r.get("success") else None
        except piaozone.PiaozoneError:
            pass
    else:
        blue = None
    name = f"2.1.04 call {RED} full reversal of {blue['what'] if blue else 'a blue invoice'} {tag}"
    if not blue or not blue.get("invoiceNum"):
        report("SKIP", name, "no blue invoice to reverse (2.1.01 above failed)")
    else:
        red_serial = f"OC-{run_id}-{mode}-RED"
        try:
            reply = client.call(RED, {"serialNo": red_serial, "invoiceNum": blue["invoiceNum"], "redReason": "01",
                                      "invoiceType": blue["invoiceType"], "sellerTaxpayerId": tax_id},
                                decode_data=False)
            if check_accepted(name, client, wire, reply, red_serial):
                name = f"4.1.04 query of the red invoice {tag}"
                reply, problem = poll_issued(client, args.admin, red_serial, tax_id, "1")
                if problem is None and reply["data"].get("originalInvoiceNumber") != blue["invoiceNum"]:
                    problem = f"originalInvoiceNumber {reply['data'].get('originalInvoiceNumber')!r}"
                report("PASS" if problem is None else "FAIL", name + ("" if problem is None else f": {problem}"),
                       None if problem is None else shown(client, wire))
                name = f"4.1.04 query of the reversed blue: invoiceStatus 3 {tag}"
                r = client.call(QUERY, {"invoiceNum": blue["invoiceNum"], "sellerTaxpayerId": tax_id})
                ok = r.get("success") is True and str((r.get("data") or {}).get("invoiceStatus")) == "3"
                report("PASS" if ok else "FAIL", name, None if ok else shown(client, wire))
        except piaozone.PiaozoneError as e:
            report("FAIL", f"{name}: {type(e).__name__} {e}", shown(client, wire))

    # refusals: the SDK returns them (success false), it must not crash
    checks = []
    if issued:
        serial = next(iter(issued.values()))
        checks.append((f"2.1.01 duplicate serial → errorCode {DUPLICATE_SERIAL} {tag}", DUPLICATE_SERIAL, "流水号",
                       lambda: client.invoice.issue_blue(serial, blue_payload(account, LINES_WITH_TAX))))
    bad_line = dict(LINES_WITH_TAX[0], amount=Decimal("-1000.00"), taxAmount=Decimal("-60.00"))
    checks.append((f"2.1.01 bad data (normal line with negative amount) → errorCode {FAILURE} {tag}", FAILURE,
                   r"\bamount\b|金额",
                   lambda: client.invoice.issue_blue(f"OC-{run_id}-{mode}-BAD",
                                                     blue_payload(account, [bad_line]))))
    off_tax = dict(LINES_WITH_TAX[0], taxAmount=Decimal("99.99"))
    checks.append((f"2.1.01 bad data (taxAmount off by more than 0.06) → errorCode {FAILURE} {tag}", FAILURE, "税额",
                   lambda: client.invoice.issue_blue(f"OC-{run_id}-{mode}-TAX",
                                                     blue_payload(account, [off_tax]))))
    checks.append((f"4.1.04 unknown serial → errorCode {FAILURE} {tag}", FAILURE, f"OC-{run_id}-{mode}-NONE",
                   lambda: client.invoice.query(f"OC-{run_id}-{mode}-NONE", tax_id)))
    for name, code, about, send in checks:
        try:
            check_refused(name, client, wire, send(), code, about)
        except piaozone.PiaozoneError as e:
            report("FAIL", f"{name}: {type(e).__name__} {e}", shown(client, wire))
    client.close()
    return session


def wrong_encoding(piaozone, args, account, run_id):
    """An AES tenant sent base64 data: refused with the vendor's failure code, and the SDK survives it."""
    session = trusting_session(args.ca)
    wire = Wire(session)
    client = piaozone.Piaozone(args.base, account["appId"], account["appSecret"], account["accountId"],
                               account["user"], "OUTSIDE", encryption="base64", session=session)
    name = f"4.1.04 AES tenant sending base64 data → errorCode {FAILURE} (aes)"
    try:
        check_refused(name, client, wire, client.invoice.query(f"OC-{run_id}-x", account["taxId"]), FAILURE,
                      "AES")
    except piaozone.PiaozoneError as e:
        report("FAIL", f"{name}: {type(e).__name__} {e}", shown(client, wire))


def load_sdk(sdk):
    """The SDK's package from `sdk`, or None after reporting why it cannot run."""
    if not os.path.isfile(os.path.join(sdk, "piaozone", "api.py")):
        report("SKIP", f"python SDK: no piaozone package under {sdk}")
        return None
    try:
        import simplejson
    except ImportError:
        simplejson = None
    if simplejson is None or tuple(int(x) for x in simplejson.__version__.split(".")[:2]) < (3, 19):
        found = simplejson.__version__ if simplejson else "none"
        report("FAIL", f"python SDK: needs simplejson >= 3.19 (its pyproject), {sys.executable} has {found}",
               "name a directory holding a newer simplejson with --python-deps (README.md)")
        return None
    sys.path.insert(0, sdk)
    try:
        import piaozone
    except ImportError as e:
        report("FAIL", f"python SDK: cannot import it ({e}); it needs requests, simplejson, cryptography")
        return None
    print(f"# python SDK piaozone {getattr(piaozone, '__version__', '?')} from {os.path.dirname(piaozone.__file__)}")
    return piaozone


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sdk", required=True, help="directory holding the piaozone package (fapiaozone-sdk checkout)")
    p.add_argument("--base", required=True, help="https base URL of the TLS front")
    p.add_argument("--ca", required=True, help="the front's self-signed certificate")
    p.add_argument("--admin", required=True, help="the gateway's own http URL (sandbox clock)")
    p.add_argument("--accounts", required=True, help="`hongchong sandbox accounts --json` output")
    args = p.parse_args()

    piaozone = load_sdk(os.path.abspath(args.sdk))
    if piaozone is not None:
        with open(args.accounts, encoding="utf-8") as f:
            listing = json.load(f)
        accounts = listing["accounts"]
        global ADMIN_KEY
        ADMIN_KEY = listing.get("adminKey", "")
        digital = [a for a in accounts if a["channel"].startswith("数电")]
        b64 = next(a for a in digital if a["dataEncoding"] == "base64" and a["taxpayerType"] == "一般纳税人")
        aes = next((a for a in accounts if a["dataEncoding"] == "aes" and a.get("aesPassword")), None)

        run_id = str(int(time.time() * 1000))
        print(f"# base64 account: {b64['name']} {b64['taxId']}")
        run_account(piaozone, args, b64, "base64", run_id)
        if aes:
            print(f"# AES account: {aes['name']} {aes['taxId']}")
            run_account(piaozone, args, aes, "aes", run_id)
            wrong_encoding(piaozone, args, aes, run_id)
        else:
            report("FAIL", "AES account: none in `sandbox accounts --json`")

    counts = {v: results.count(v) for v in ("PASS", "FAIL", "EXPECTED-VENDOR-QUIRK", "SKIP")}
    print("SUMMARY python: " + ", ".join(f"{n} {v}" for v, n in counts.items()))
    return 1 if counts["FAIL"] or counts["SKIP"] else 0


if __name__ == "__main__":
    sys.exit(main())
