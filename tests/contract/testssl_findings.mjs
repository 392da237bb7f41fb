// Reads the findings testssl.sh wrote with --jsonfile, prints a summary (what it found offered,
// the count of findings by severity, and every finding above LOW) and exits 1 when any finding
// is rated above LOW, or when testssl.sh could not scan at all. Used by ops/check.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let findings;
try {
  findings = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`testssl.sh wrote no findings (${file}): ${error.message}`);
  process.exit(1);
}
if (!Array.isArray(findings)) {
  findings = findings.scanResult ?? [];
}

const ranks = ['OK', 'INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const bySeverity = new Map();
for (const f of findings) {
  bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
}
const byId = new Map(findings.map((f) => [f.id, f]));
const shown = (id) => byId.get(id)?.finding ?? '(not reported)';

console.log('testssl.sh summary');
const summary = [
  ['SSLv2', 'SSLv2'], ['SSLv3', 'SSLv3'], ['TLS 1.0', 'TLS1'], ['TLS 1.1', 'TLS1_1'],
  ['TLS 1.2', 'TLS1_2'], ['TLS 1.3', 'TLS1_3'],
  ['NULL ciphers', 'cipherlist_NULL'], ['anonymous ciphers', 'cipherlist_aNULL'],
  ['export ciphers', 'cipherlist_EXPORT'], ['low ciphers', 'cipherlist_LOW'],
  ['3DES/IDEA', 'cipherlist_3DES_IDEA'], ['obsoleted CBC ciphers', 'cipherlist_AVERAGE'],
  ['strong ciphers (AEAD)', 'cipherlist_STRONG'], ['forward secrecy', 'FS'],
  ['server cipher order', 'cipher_order'], ['secure renegotiation', 'secure_renego'],
  ['client-initiated renegotiation', 'secure_client_renego'],
  ['chain of trust', 'cert_chain_of_trust'], ['certificate expiry', 'cert_expirationStatus'],
  ['HSTS', 'HSTS_time'], ['Heartbleed', 'heartbleed'], ['ROBOT', 'ROBOT'],
  ['BREACH', 'BREACH'], ['LUCKY13', 'LUCKY13'],
];
for (const [label, id] of summary) {
  if (byId.has(id)) {
    console.log(`  ${label.padEnd(32)} ${shown(id)} [${byId.get(id).severity}]`);
  }
}
const counts = ranks.concat(['WARN'])
  .filter((s) => bySeverity.has(s))
  .map((s) => `${s} ${bySeverity.get(s)}`);
console.log(`  findings by severity: ${counts.join(', ')}`);

const scanProblems = findings.filter((f) => f.id === 'scanProblem' || f.id === 'scanTime' && f.severity === 'WARN');
for (const f of scanProblems) {
  console.log(`  testssl.sh could not test everything: ${f.finding}`);
}
for (const f of findings.filter((f) => f.severity === 'WARN' && f.id !== 'scanProblem')) {
  console.log(`  warning ${f.id}: ${f.finding}`);
}

const aboveLow = findings.filter((f) => ranks.indexOf(f.severity) > ranks.indexOf('LOW'));
for (const f of aboveLow) {
  console.log(`  ${f.severity} ${f.id}: ${f.finding}`);
}
const tested = findings.some((f) => f.id === 'TLS1_2' || f.id === 'TLS1_3');
if (!tested) {
  console.log('  testssl.sh did not reach the server: no protocol was tested');
}
if (aboveLow.length > 0 || !tested) {
  console.log(`TLS check failed: ${aboveLow.length} finding(s) above LOW`);
  process.exit(1);
}
console.log('TLS check passed: no finding above LOW');
