// The traffic behind the example recordings: k6 v1.1.0 calling Reprise's demo server (through the
// recording proxy) with every RPC kind, metadata (an authorization header the recording redacts), an
// error with details, a deadline and a large message. Run by scripts/record-examples.sh.
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();
client.load([__ENV.PROTOS], 'demo/v1/demo.proto');

export const options = { vus: 1, iterations: 1, thresholds: { checks: ['rate==1'] } };

function stream(method, requests, params) {
  return new Promise((resolve) => {
    const seen = { data: [], errors: [] };
    const s = new grpc.Stream(client, method, params);
    s.on('data', (message) => seen.data.push(message));
    s.on('error', (error) => seen.errors.push(error));
    s.on('end', () => resolve(seen));
    for (const request of requests) s.write(request);
    s.end();
  });
}

export default async function () {
  client.connect(__ENV.ADDR, { plaintext: true, timeout: '10s' });
  const metadata = { authorization: 'Bearer example-secret', 'x-team': 'blue' };

  check(client.invoke('demo.v1.Demo/SayHello', { name: 'Reprise' }, { metadata }), {
    'unary': (r) => r.status === grpc.StatusOK,
  });
  check(
    client.invoke('demo.v1.Demo/Echo', {
      text: 'every field kind', number: '-7', payload: 'AAEC', tags: ['a', 'b'], color: 'COLOR_BLUE',
      labels: { env: 'demo' }, at: '2026-11-22T10:15:30Z', ratio: 0.25, flag: true,
      nested: { note: 'inside', values: [1, 2, 3] }, word: 'oneof',
    }),
    { 'echo': (r) => r.status === grpc.StatusOK },
  );
  check(await stream('demo.v1.Demo/Countdown', [{ from: 3, intervalMs: 10 }]), {
    'server streaming': (s) => s.data.length === 3,
  });
  check(await stream('demo.v1.Demo/Sum', [{ value: '1' }, { value: '2' }, { value: '39' }]), {
    'client streaming': (s) => s.data[0].total === '42',
  });
  check(await stream('demo.v1.Demo/Chat', [{ text: 'hi' }, { text: 'bye' }], { metadata: { 'x-id': '7' } }), {
    'bidirectional streaming': (s) => s.data.length === 2,
  });
  check(client.invoke('demo.v1.Demo/Fail', { code: 5, message: 'no such greeting' }), {
    'error with details': (r) => r.status === grpc.StatusNotFound,
  });
  check(client.invoke('demo.v1.Demo/Sleep', { duration: '5s' }, { timeout: '100ms' }), {
    'deadline exceeded': (r) => r.status === grpc.StatusDeadlineExceeded,
  });
  check(client.invoke('demo.v1.Demo/Blob', { size: 20000 }), {
    'large message': (r) => r.status === grpc.StatusOK,
  });
  client.close();
}
