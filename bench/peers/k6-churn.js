// k6 side of bench/bench-connections.sh: clients that each connect, make one unary bench.Echo/Unary call
// and close, arriving at a constant rate: the k6 counterpart of replaying one-call clients with
// `reprise replay --fresh-connections`. The request is the same 14 protobuf bytes the other clients send.
//
// Environment: ADDR (host:port), RATE (clients per second), DURATION (k6 duration),
// PREALLOCATED_VUS (default 50), MAX_VUS (default 500).
import grpc from 'k6/net/grpc';

const client = new grpc.Client();
client.load([], 'echo.proto');

export const options = {
  scenarios: {
    clients: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE),
      timeUnit: '1s',
      duration: __ENV.DURATION,
      preAllocatedVUs: Number(__ENV.PREALLOCATED_VUS || 50),
      maxVUs: Number(__ENV.MAX_VUS || 500),
      gracefulStop: '5s',
    },
  },
};

export default function () {
  client.connect(__ENV.ADDR, { plaintext: true });
  const response = client.invoke('bench.Echo/Unary', { payload: 'aGVsbG8gd29ybGQh' });
  client.close();
  if (response.status !== grpc.StatusOK) {
    throw new Error(`unexpected status ${response.status}`);
  }
}
