// k6 side of bench/bench-replay.sh: an open-loop constant-arrival-rate scenario of unary
// bench.Echo/Unary calls against the C++ echo server, the k6 counterpart of `reprise replay --rate`.
// Each VU connects once (its first iteration) and keeps its connection, k6's model. The request is the
// same 14 protobuf bytes the other clients send: field 1 = "hello world!".
//
// Environment: ADDR (host:port), RATE (iterations per second), DURATION (k6 duration, default 10s),
// PREALLOCATED_VUS (default 100), MAX_VUS (default 500).
import grpc from 'k6/net/grpc';

const client = new grpc.Client();
client.load([], 'echo.proto');

export const options = {
  scenarios: {
    arrival: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE),
      timeUnit: '1s',
      duration: __ENV.DURATION || '10s',
      preAllocatedVUs: Number(__ENV.PREALLOCATED_VUS || 100),
      maxVUs: Number(__ENV.MAX_VUS || 500),
      gracefulStop: '5s',
    },
  },
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)'],
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
