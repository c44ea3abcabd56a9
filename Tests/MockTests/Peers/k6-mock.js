// k6 v1.1.0 against Reprise's demo server (through the recording proxy) and then against `reprise mock`
// serving that recording: one call of each RPC kind with metadata. Logs what it sent and received, with the
// unary call's headers and trailers, as one JSON line ("SEEN [...]") for the test to compare.
// With -e REFLECT=1 the client loads no protos and asks the server's reflection instead.
// Run: k6 run -e ADDR=127.0.0.1:PORT -e PROTOS=fixtures/protos/demo k6-mock.js
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();
if (!__ENV.REFLECT) client.load([__ENV.PROTOS], 'demo/v1/demo.proto');

export const options = {
  vus: 1,
  iterations: 1,
  thresholds: { checks: ['rate==1'] },
};

function stream(method, requests) {
  return new Promise((resolve) => {
    const seen = { method: `/${method}`, requests, responses: [], errors: [] };
    const s = new grpc.Stream(client, method, { metadata: { 'x-kind': 'stream' } });
    s.on('data', (message) => seen.responses.push(message));
    s.on('error', (error) => seen.errors.push(error));
    s.on('end', () => resolve(seen));
    for (const request of requests) s.write(request);
    s.end();
  });
}

export default async function () {
  client.connect(__ENV.ADDR, { plaintext: true, timeout: '10s', reflect: !!__ENV.REFLECT });
  const seen = [];

  const hello = { name: 'k6' };
  const reply = client.invoke('demo.v1.Demo/SayHello', hello, { metadata: { 'x-token': 'abc' } });
  seen.push({
    method: '/demo.v1.Demo/SayHello', requests: [hello], responses: [reply.message], errors: [],
    status: reply.status, headers: reply.headers, trailers: reply.trailers,
  });
  check(reply, { 'unary': (r) => r.status === grpc.StatusOK && r.message.message === 'Hello, k6!' });

  const failed = client.invoke('demo.v1.Demo/Fail', { code: 5, message: 'no such thing' });
  seen.push({
    method: '/demo.v1.Demo/Fail', status: failed.status, error: failed.error, trailers: failed.trailers,
  });
  check(failed, { 'error': (r) => r.status === grpc.StatusNotFound });

  const countdown = await stream('demo.v1.Demo/Countdown', [{ from: 3, intervalMs: 0 }]);
  seen.push(countdown);
  check(countdown, { 'server streaming': (s) => s.responses.map((m) => m.number).join(',') === '3,2,1' });

  const sum = await stream('demo.v1.Demo/Sum', [{ value: '1' }, { value: '2' }, { value: '39' }]);
  seen.push(sum);
  check(sum, { 'client streaming': (s) => s.responses.length === 1 && s.responses[0].total === '42' });

  const chat = await stream('demo.v1.Demo/Chat', [{ text: 'a', sequence: 0 }, { text: 'b', sequence: 0 }]);
  seen.push(chat);
  check(chat, {
    'bidirectional streaming': (s) => s.responses.map((m) => `${m.text}#${m.sequence}`).join(',') === 'echo: a#1,echo: b#2',
  });

  console.log('SEEN ' + JSON.stringify(seen));
  client.close();
}
