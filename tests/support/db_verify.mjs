// Verify one credential with Digital Bazaar's stack (@digitalbazaar/vc + the eddsa-rdfc-2022 /
// ecdsa-rdfc-2019 cryptosuites + vc-bitstring-status-list), as a second, independent verifier.
// Usage: node tests/support/db_verify.mjs INPUT.json
//   INPUT: {"credential": {...}, "documents": {"<url>": <JSON document>, ...}}
// The document loader serves ONLY those documents (contexts, DID documents, status list
// credentials); anything else is an error, so nothing is fetched. A DID URL with a #fragment
// is answered with that verification method from its DID document.
// Prints {"verified": bool, "error": "...", "statusResult": {...}, "proofs": [...]}.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {checkStatus as checkBitstringStatus} from '@digitalbazaar/vc-bitstring-status-list';

const {credential, documents} = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const loaded = [];

async function documentLoader(url) {
  loaded.push(url);
  const [base, fragment] = url.split('#');
  const document = documents[base];
  if(document === undefined) {
    throw new Error(`documentLoader: ${url} is not a local document`);
  }
  if(fragment === undefined) {
    return {contextUrl: null, documentUrl: url, document};
  }
  const methods = [].concat(document.verificationMethod || []);
  const method = methods.find(m => m.id === url || m.id === '#' + fragment);
  if(!method) {
    throw new Error(`documentLoader: ${base} has no verification method #${fragment}`);
  }
  return {contextUrl: null, documentUrl: url,
    document: {'@context': document['@context'], ...method, id: url}};
}

const suite = [
  new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
  new DataIntegrityProof({cryptosuite: ecdsaRdfc2019})
];

async function checkStatus(options) {
  return checkBitstringStatus({
    ...options, documentLoader, suite,
    verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true
  });
}

const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
const message = e => e ? (e.errors || [e]).map(x => x.message || String(x)).join('; ') : null;
console.log(JSON.stringify({
  verified: result.verified,
  error: message(result.error),
  statusResult: result.statusResult ? {
    verified: result.statusResult.verified,
    error: message(result.statusResult.error),
    results: (result.statusResult.results || []).map(r => ({
      verified: r.verified, status: r.status, error: message(r.error)}))
  } : null,
  proofs: (result.results || []).map(r => ({verified: r.verified, error: message(r.error)})),
  loaded
}));
