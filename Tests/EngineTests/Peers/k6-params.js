// Prints k6's verdict on each params case of k6-params-cases.json (run with --log-format json): one console
// line per case, {"kind":"invoke"|"connect","index":N,"error":"..."|null}. Invoke cases run against a
// connected client (ADDR, plaintext, reflection); connect cases are all rejected before dialling.
import grpc from 'k6/net/grpc';

const cases = JSON.parse(open('./k6-params-cases.json'));
const client = new grpc.Client();

function report(kind, index, error) {
  console.log(JSON.stringify({ kind, index, error: error === null ? null : String(error).replace(/^GoError: /, '') }));
}

function bin(params) {
  // JSON has no bytes: arrays under -bin keys stand for Uint8Arrays, as in Reprise's parser.
  if (params && params.metadata) {
    for (const key of Object.keys(params.metadata)) {
      if (key.endsWith('-bin') && Array.isArray(params.metadata[key])) {
        params.metadata[key] = new Uint8Array(params.metadata[key]);
      }
    }
  }
  return params;
}

export default function () {
  client.connect(__ENV.ADDR, { plaintext: true, reflect: true });
  cases.invoke.forEach((params, index) => {
    try {
      client.invoke('demo.v1.Demo/SayHello', { name: 'k6' }, bin(params));
      report('invoke', index, null);
    } catch (error) {
      report('invoke', index, error);
    }
  });
  cases.connect.forEach((params, index) => {
    const other = new grpc.Client();
    try {
      other.connect(__ENV.ADDR, params);
      report('connect', index, null);
    } catch (error) {
      report('connect', index, error);
    }
  });
  client.close();
}
