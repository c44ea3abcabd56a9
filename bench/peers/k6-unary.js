// k6 side of bench/bench-wire.sh: VUS virtual users share TOTAL unary invokes of bench.Echo/Unary
// against the C++ echo server, each VU on its own connection (k6's model). The request is the same
// 14 protobuf bytes the other clients send: field 1 = "hello world!".
import grpc from 'k6/net/grpc';

const client = new grpc.Client();
client.load([], 'echo.proto');

export const options = {
  scenarios: {
    unary: {
      executor: 'shared-iterations',
      vus: Number(__ENV.VUS),
      iterations: Number(__ENV.TOTAL),
      maxDuration: '30m',
    },
  },
  summaryTrendStats: ['avg', 'med', 'p(95)'],
};

export default function () {
  if (__ITER === 0) {
    client.connect(__ENV.ADDR, { plaintext: true });
  }
  const response = client.invoke('bench.Echo/Unary', { payload: 'aGVsbG8gd29ybGQh' });
  if (response.status !== grpc.StatusOK) {
    throw new Error(`unexpected status ${response.status}`);
  }
}
