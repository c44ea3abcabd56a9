// k6 v1.1.0 through the recording proxy to Reprise's demo server: one call of each RPC kind, with every
// request field set (so the recording's JSON, which emits defaults, is exactly what was sent). Logs what
// it sent and received as one JSON line ("SEEN [...]") for the test to compare with the recording.
// Run: k6 run -e ADDR=127.0.0.1:PORT -e PROTOS=fixtures/protos/demo k6-record.js
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();
client.load([__ENV.PROTOS], 'demo/v1/demo.proto');

export const options = {
  vus: 1,
  iterations: 1,
  thresholds: { checks: ['rate==1'] },
};

function stream(method, requests) {
  return new Promise((resolve) => {
    const seen = { method: `/${method}`, requests, responses: [], errors: [] };
    const s = new grpc.Stream(client, method);
    s.on('data', (message) => seen.responses.push(message));
    s.on('error', (error) => seen.errors.push(error));
    s.on('end', () => resolve(seen));
    for (const request of requests) s.write(request);
    s.end();
  });
}

export default async function () {
  client.connect(__ENV.ADDR, { plaintext: true, timeout: '10s' });
  const seen = [];

  const hello = { name: 'k6' };
  const reply = client.invoke('demo.v1.Demo/SayHello', hello, { metadata: { 'x-token': 'abc' } });
  seen.push({ method: '/demo.v1.Demo/SayHello', requests: [hello], responses: [reply.message], errors: [] });
  check(reply, { 'unary': (r) => r.status === grpc.StatusOK && r.message.message === 'Hello, k6!' });

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
