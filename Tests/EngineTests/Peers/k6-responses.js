// Prints JSON.stringify of k6's response for each call in CALLS (a JSON array of [method, request, params])
// against ADDR, one console line per call: {"index":N,"response":...}. The engine must build the same.
import grpc from 'k6/net/grpc';

const client = new grpc.Client();
client.load([__ENV.PROTOS], 'demo/v1/demo.proto', 'hello/hello.proto');
const calls = JSON.parse(__ENV.CALLS);

export default function () {
  client.connect(__ENV.ADDR, { plaintext: true });
  calls.forEach(([method, request, params], index) => {
    const response = client.invoke(method, request, params);
    console.log(JSON.stringify({ index, response }));
  });
  client.close();
}
