<?php
// Drive the sandbox gateway with the unmodified third-party PHP client `Fapiao\FpYun` (Guzzle).
//
// Our code only: FpYun.php is loaded from the path the caller names (--fpyun), Guzzle from Debian's
// php-guzzlehttp-guzzle. Output as drive_python.py: one PASS / FAIL / SKIP line per check, the server's
// answer (as far as the client lets us see it) indented below, then `SUMMARY php: …`; exit 1 on any FAIL.
//
//   php drive_php.php --fpyun FpYun.php --base https://127.0.0.1:PORT --accounts accounts.json
//
// FpYun hides the reply: it returns data (or true) when `status == 1` and otherwise throws, or returns
// false, with the reply's `message` (FpYun::$err). It never sends `usertype`, sends lineProperty as a
// number and no taxAmount, and presents the token in an `access_token` header.

$opts = getopt('', ['fpyun:', 'base:', 'accounts:', 'guzzle:']);
foreach (['fpyun', 'base', 'accounts'] as $k) {
    if (empty($opts[$k])) {
        fwrite(STDERR, "usage: php drive_php.php --fpyun FpYun.php --base URL --accounts accounts.json [--guzzle autoload.php]\n");
        exit(2);
    }
}
$guzzle = $opts['guzzle'] ?? '/usr/share/php/GuzzleHttp/autoload.php';
if (!is_file($guzzle)) {
    echo "SKIP php: Guzzle not found at $guzzle (apt-get install -y php-cli php-guzzlehttp-guzzle)\n";
    exit(2);
}
require $guzzle;
require $opts['fpyun'];
echo '# php client Fapiao\FpYun from ' . realpath($opts['fpyun']) . ', Guzzle ' .
    (defined('GuzzleHttp\ClientInterface::MAJOR_VERSION') ? \GuzzleHttp\ClientInterface::MAJOR_VERSION : '?') . "\n";

// Seeded 数电普票 of the base64 seller, not yet used by the buyer: a full reversal needs no confirmation
// (src/server/sandbox/seed.ts, blueSpecs: dn("33", 2)).
const SEED_BLUE_FOR_RED = '25330000000000000002';

$results = [];
function report(string $verdict, string $name, ?string $detail = null): void
{
    global $results;
    $results[] = $verdict;
    echo "$verdict $name\n";
    if ($detail !== null && $detail !== '') {
        foreach (explode("\n", $detail) as $line) {
            echo "    $line\n";
        }
    }
}

/** Run one client call; [value, null] or [null, the exception's message]. */
function attempt(callable $call): array
{
    try {
        return [$call(), null];
    } catch (\Throwable $e) {
        return [null, get_class($e) . ': ' . $e->getMessage()];
    }
}

$accounts = json_decode(file_get_contents($opts['accounts']), true)['accounts'];
$seller = null;
foreach ($accounts as $a) {
    if ($a['dataEncoding'] === 'base64' && strpos($a['channel'], '数电') === 0 && $a['taxpayerType'] === '一般纳税人') {
        $seller = $a;
        break;
    }
}
echo "# base64 account: {$seller['name']} {$seller['taxId']} (FpYun speaks base64 only)\n";

$fp = new \Fapiao\FpYun();
$fp->set([
    'baseUrl' => rtrim($opts['base'], '/'),
    'appId' => $seller['appId'],
    'appSecret' => $seller['appSecret'],
    'accountId' => $seller['accountId'],
    'user' => $seller['user'],
    'code' => 'OUTSIDE',
]);
$runId = (string) round(microtime(true) * 1000);
$tax = $seller['taxId'];

// 1.01 + 1.02 (no usertype)
[$tok, $err] = attempt(fn () => $fp->getAccessToken());
if ($err !== null || empty($tok['access_token'])) {
    report('FAIL', '1.01/1.02 getAccessToken (no usertype)', $err ?? ('message: ' . \Fapiao\FpYun::$err));
    goto summary;
}
report('PASS', '1.01/1.02 getAccessToken (no usertype)');

// 2.1.01: lines as FpYun builds them (lineProperty 0 as a number, no taxAmount, numbers as PHP floats)
$invoice = fn (string $serial, array $goods) => [
    'custom_invoice_no' => $serial,
    'invoice_type' => 1,
    'buyer_name' => '广东蓝海采购有限公司',
    'buyer_tax_no' => '91440300MA5HC0002F',
    'seller_name' => $seller['name'],
    'seller_tax_no' => $tax,
    'drawer' => '李四',
    'goods' => $goods,
];
$goods = [
    ['goods_name' => '办公用品', 'model' => 'A4', 'quantity' => 5, 'unit_price' => 17.7, 'tax_rate' => '0.13',
     'unit' => '箱', 'amount' => 88.5, 'tax_scope_code' => '1060512990000000000'],
];
$serial = "OC-$runId-php";
[$data, $err] = attempt(fn () => $fp->createInvoice([$invoice($serial, $goods)]));
$issued = $err === null && $data === $serial;
report($issued ? 'PASS' : 'FAIL', '2.1.01 createInvoice, lines without taxAmount, lineProperty 0 (number)',
    $issued ? null : ($err ?? 'data: ' . json_encode($data, JSON_UNESCAPED_UNICODE)));

// 4.1.04
if ($issued) {
    [$q, $err] = attempt(fn () => $fp->query($serial, $tax));
    $ok = $err === null && preg_match('/^\d{20}$/', (string) ($q['invoice_number'] ?? ''))
        && (string) ($q['data']['invoiceStatus'] ?? '') === '0';
    report($ok ? 'PASS' : 'FAIL', '4.1.04 query of it',
        $ok ? null : ($err ?? 'data: ' . json_encode($q, JSON_UNESCAPED_UNICODE)));
} else {
    report('SKIP', '4.1.04 query of it', 'nothing issued (2.1.01 above failed)');
}

// 4.1.03: first page of 普票 (FpYun sends pageNo 0 for its page 1)
[$rows, $err] = attempt(fn () => $fp->find($tax, 2, 1, 50));
$ok = $err === null && is_array($rows) && count($rows) > 0;
report($ok ? 'PASS' : 'FAIL', '4.1.03 find (ALLE.BATCH.QUERY, pageNo 0)',
    $ok ? count($rows) . ' invoices' : ($err ?? 'returned ' . json_encode($rows) . '; message: ' . \Fapiao\FpYun::$err));

// 2.1.04: full reversal, redReason '01'
$redSerial = "OC-$runId-php-RED";
[$done, $err] = attempt(fn () => $fp->reverseInvoice($redSerial, SEED_BLUE_FOR_RED, 2, $tax));
$ok = $err === null && $done === true;
report($ok ? 'PASS' : 'FAIL', '2.1.04 reverseInvoice full reversal of seeded blue ' . SEED_BLUE_FOR_RED, $ok ? null : $err);
if ($ok) {
    [$q, $err] = attempt(fn () => $fp->query($redSerial, $tax));
    $ok = $err === null && (string) ($q['data']['invoiceProperty'] ?? '') === '1'
        && ($q['data']['originalInvoiceNumber'] ?? '') === SEED_BLUE_FOR_RED;
    report($ok ? 'PASS' : 'FAIL', '4.1.04 query of the red invoice',
        $ok ? null : ($err ?? 'data: ' . json_encode($q, JSON_UNESCAPED_UNICODE)));
}

// Refusals: FpYun throws with the reply's message (it never shows errorCode)
if ($issued) {
    [$data, $err] = attempt(fn () => $fp->createInvoice([$invoice($serial, $goods)]));
    $ok = $err !== null && strpos($err, '流水号') !== false;
    report($ok ? 'PASS' : 'FAIL', '2.1.01 duplicate serial → refused', $ok ? $err : 'data: ' . json_encode($data));
} else {
    report('SKIP', '2.1.01 duplicate serial → refused', 'nothing issued (2.1.01 above failed)');
}
$bad = [array_merge($goods[0], ['amount' => -88.5])];
[$data, $err] = attempt(fn () => $fp->createInvoice([$invoice("OC-$runId-php-BAD", $bad)]));
$ok = $err !== null && preg_match('/\bamount\b|金额/u', $err) === 1;
report($ok ? 'PASS' : 'FAIL', '2.1.01 bad data (negative amount) → refused with a message', $ok ? $err : 'data: ' . json_encode($data));

summary:
$counts = array_count_values($results) + ['PASS' => 0, 'FAIL' => 0, 'SKIP' => 0];
echo "SUMMARY php: {$counts['PASS']} PASS, {$counts['FAIL']} FAIL, {$counts['SKIP']} SKIP\n";
exit($counts['FAIL'] || $counts['SKIP'] ? 1 : 0);
