// Makes VP1- QR texts with Digital Bazaar's own libraries (@digitalbazaar/vpqr 6, which uses
// @digitalbazaar/cborld 8), so this project's reader is tested against the real thing.
// Run by make_fixture.py: node generate.mjs INPUT.json OUTPUT.json, where INPUT has
// {"vp": {...}, "contexts": {url: document}}; the libraries are installed in a scratch folder.
import {readFile, writeFile} from 'node:fs/promises';
import {toQrCode, fromQrCode} from '@digitalbazaar/vpqr';

const [input, output] = process.argv.slice(2);
const {vp, contexts} = JSON.parse(await readFile(input, 'utf8'));
const documentLoader = async url => {
  if(!(url in contexts)) {
    throw new Error(`context not offered to the generator: ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document: contexts[url]};
};
const variants = {
  // CBOR-LD 1.0 (tag 0xcb1d), registry entry 1 (no type table), base45 and base32 payloads
  'cbor-ld-1.0/base45': {format: 'cbor-ld-1.0', registryEntryId: 1, qrMultibaseEncoding: 'R'},
  'cbor-ld-1.0/base32': {format: 'cbor-ld-1.0', registryEntryId: 1, qrMultibaseEncoding: 'B'},
  // the pre-1.0 tag 0x0501 that older Learner Credential Wallet builds wrote
  'legacy-singleton/base32': {format: 'legacy-singleton', qrMultibaseEncoding: 'B'},
};
// key order is not kept by CBOR-LD; compare with sorted keys
const sorted = value => Array.isArray(value) ? value.map(sorted) :
  (value && typeof value === 'object') ? Object.fromEntries(
    Object.keys(value).sort().map(key => [key, sorted(value[key])])) : value;
const qr = {};
for(const [name, options] of Object.entries(variants)) {
  const {payload, version} = await toQrCode({vp, documentLoader, ...options});
  // the library must read its own output back to the same presentation
  const {vp: back} = await fromQrCode({text: payload, documentLoader});
  if(JSON.stringify(sorted(back)) !== JSON.stringify(sorted(vp))) {
    throw new Error(`${name} did not round-trip: ${JSON.stringify(back)}`);
  }
  qr[name] = {text: payload, qrVersion: version};
}
const pkg = JSON.parse(await readFile(
  new URL('./node_modules/@digitalbazaar/vpqr/package.json', `file://${process.cwd()}/`)));
await writeFile(output, JSON.stringify({generator: `@digitalbazaar/vpqr ${pkg.version}`,
  vp, qr}, null, 1) + '\n');
