// The demo's "production" traffic: a k6 client calling Reprise's demo server (through the recording proxy)
// with every RPC kind, metadata, an error with details and a binary payload. Answers are deterministic, so a
// recording of this traffic is a golden file: replaying it against the demo server must match it exactly.
//
//   k6 run -e ADDR=127.0.0.1:7000 -e PROTOS=DIR scripts/demo-traffic.js
import grpc from 'k6/net/grpc';
import { check, sleep } from 'k6';

const client = new grpc.Client();
client.load([__ENV.PROTOS], 'demo/v1/demo.proto', 'hello/hello.proto');

export const options = {
  vus: 1,
  iterations: 4,
  thresholds: { checks: ['rate==1'] },
};

function finished(stream) {
  return new Promise((resolve) => stream.on('end', resolve));
}

const names = ['Ada', 'Bert', 'Cleo', 'Dmitri'];

export default async function () {
  if (__ITER === 0) client.connect(__ENV.ADDR, { plaintext: true });
  const name = names[__ITER % names.length];

  const hello = client.invoke('demo.v1.Demo/SayHello', { name });
  check(hello, { 'hello OK': (r) => r.status === grpc.StatusOK && r.message.message === `Hello, ${name}!` });

  const k6hello = client.invoke('hello.HelloService/SayHello', { greeting: name });
  check(k6hello, { 'k6 hello OK': (r) => r.status === grpc.StatusOK });

  const echo = client.invoke(
    'demo.v1.Demo/Echo',
    { text: `note ${__ITER}`, number: 1000000000000 + __ITER, tags: ['a', 'b'], labels: { team: 'replay' }, ratio: 0.25 },
    { metadata: { 'x-request-source': 'demo', authorization: 'Bearer secret' } },
  );
  check(echo, { 'echo OK': (r) => r.status === grpc.StatusOK });

  const fail = client.invoke('demo.v1.Demo/Fail', { code: 5, message: `no user ${name}` });
  check(fail, { 'fail is NOT_FOUND': (r) => r.status === grpc.StatusNotFound });

  const blob = client.invoke('demo.v1.Demo/Blob', { size: 48 + __ITER });
  check(blob, { 'blob OK': (r) => r.status === grpc.StatusOK });

  const countdown = new grpc.Stream(client, 'demo.v1.Demo/Countdown');
  const numbers = [];
  countdown.on('data', (m) => numbers.push(m.number));
  countdown.write({ from: 3, intervalMs: 5 });
  await finished(countdown);
  check(numbers, { 'countdown 3 2 1': (n) => n.join(',') === '3,2,1' });

  const sum = new grpc.Stream(client, 'demo.v1.Demo/Sum');
  let total = null;
  sum.on('data', (m) => { total = m.total; });
  [1, 2, 3, __ITER].forEach((value) => sum.write({ value }));
  sum.end();
  await finished(sum);
  check(total, { 'sum adds up': (t) => t === String(6 + __ITER) });

  const chat = new grpc.Stream(client, 'demo.v1.Demo/Chat');
  const replies = [];
  chat.on('data', (m) => replies.push(m.text));
  ['hi', 'how are you', 'bye'].forEach((text, sequence) => chat.write({ text, sequence }));
  chat.end();
  await finished(chat);
  check(replies, { 'chat answers each message': (r) => r.length === 3 });

  sleep(0.05);
}
