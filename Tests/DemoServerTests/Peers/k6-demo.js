// k6 v1.1.0 against Reprise's demo server: invoke, asyncInvoke and Stream over all four RPC kinds, with
// the schema from server reflection (v1). Every check must pass (the checks threshold makes k6 exit 99
// otherwise). Run: k6 run -e ADDR=127.0.0.1:PORT k6-demo.js
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();

export const options = {
  vus: 1,
  iterations: 1,
  thresholds: { checks: ['rate==1'] },
};

function stream(method, requests, params) {
  return new Promise((resolve) => {
    const seen = { data: [], errors: [], ended: 0 };
    const s = new grpc.Stream(client, method, params);
    s.on('data', (message) => seen.data.push(message));
    s.on('error', (error) => seen.errors.push(error));
    s.on('end', () => {
      seen.ended += 1;
      resolve(seen);
    });
    for (const request of requests) s.write(request);
    s.end();
  });
}

export default async function () {
  client.connect(__ENV.ADDR, { plaintext: true, reflect: true, timeout: '10s' });

  const hello = client.invoke('demo.v1.Demo/SayHello', { name: 'k6' }, { metadata: { 'x-token': 'abc' } });
  check(hello, {
    'unary status is OK': (r) => r.status === grpc.StatusOK,
    'unary message': (r) => r.message.message === 'Hello, k6!',
    'metadata echoed in headers': (r) => r.headers['x-token'][0] === 'abc',
    'metadata echoed in trailers': (r) => r.trailers['x-token'][0] === 'abc',
  });

  const echo = client.invoke('demo.v1.Demo/Echo', { text: 't', number: '-7', color: 'COLOR_BLUE', count: 4 });
  check(echo, {
    'echo returns the request': (r) =>
      r.message.request.number === '-7' && r.message.request.color === 'COLOR_BLUE' && r.message.request.count === 4,
  });

  const fail = client.invoke('demo.v1.Demo/Fail', { code: 5, message: 'no such thing' });
  check(fail, {
    'error status': (r) => r.status === grpc.StatusNotFound,
    'error message': (r) => r.error.message === 'no such thing',
    'error details': (r) =>
      r.error.details.length === 2 && r.error.details[0]['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo',
  });

  const late = client.invoke('demo.v1.Demo/Sleep', { duration: '5s' }, { timeout: '200ms' });
  check(late, { 'deadline exceeded': (r) => r.status === grpc.StatusDeadlineExceeded });

  const both = await Promise.all([
    client.asyncInvoke('hello.HelloService/SayHello', { greeting: 'Bert' }),
    client.asyncInvoke('hello.HelloService/SayHello', { greeting: 'Ernie' }),
  ]);
  check(both, {
    'asyncInvoke in parallel': (r) => r[0].message.reply === 'hello Bert' && r[1].message.reply === 'hello Ernie',
  });

  const countdown = await stream('demo.v1.Demo/Countdown', [{ from: 3 }]);
  check(countdown, {
    'server streaming': (s) => s.data.map((m) => m.number).join(',') === '3,2,1' && s.errors.length === 0,
    'end fires once': (s) => s.ended === 1,
  });

  const sum = await stream('demo.v1.Demo/Sum', [{ value: '1' }, { value: '2' }, { value: '39' }]);
  check(sum, {
    'client streaming': (s) => s.data.length === 1 && s.data[0].total === '42' && s.data[0].count === 3,
  });

  const chat = await stream('demo.v1.Demo/Chat', [{ text: 'a' }, { text: 'b' }], { metadata: { 'x-id': '1' } });
  check(chat, {
    'bidirectional streaming': (s) =>
      s.data.map((m) => `${m.text}#${m.sequence}`).join(',') === 'echo: a#1,echo: b#2',
  });

  const failing = await stream('demo.v1.Demo/Fail', [{ code: 9, message: 'stream failed' }]);
  check(failing, {
    'stream error before end': (s) => s.errors.length === 1 && s.errors[0].code == grpc.StatusFailedPrecondition && s.ended === 1,
  });

  const health = client.invoke('grpc.health.v1.Health/Check', { service: 'demo.v1.Demo' });
  check(health, { 'health through reflection': (r) => r.message.status === 'SERVING' });

  client.close();
}
