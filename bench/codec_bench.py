#!/usr/bin/env python3
"""Python protobuf (upb) side of bench/bench-codec.sh.

  make PROTOSET OUTDIR   write small.{bin,json} (one Customer) and large.{bin,json} (a list of 500)
  time PROTOSET TYPE BIN JSON RUNS SECONDS   print the same measurements reprise-bench codec prints
"""
import json
import random
import statistics
import sys
import time

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.internal import api_implementation


def load(protoset):
    fds = descriptor_pb2.FileDescriptorSet.FromString(open(protoset, "rb").read())
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    return pool


def customer(cls, rng, i):
    c = cls()
    c.id = 1_000_000 + i
    c.name = "Customer %d %s" % (i, rng.choice(["Smith", "García", "Müller", "Ødegaard", "李"]))
    c.email = "user%d@example.com" % i
    c.status = rng.choice([1, 2])
    c.address.street = "%d Main Street" % rng.randint(1, 999)
    c.address.city = rng.choice(["Springfield", "Zürich", "東京", "Lyon"])
    c.address.postal_code = "%05d" % rng.randint(0, 99999)
    c.address.country = rng.choice(["US", "CH", "JP", "FR"])
    c.tags.extend(rng.sample(["vip", "new", "churn-risk", "b2b", "beta", "newsletter"], 3))
    for k in range(3):
        c.attributes["key%d" % k] = "value-%d-%d" % (i, k)
    c.balance.currency = "EUR"
    c.balance.units = rng.randint(-5000, 100000)
    c.balance.nanos = rng.randint(0, 999_999_999)
    c.created_unix_ms = 1_700_000_000_000 + rng.randint(0, 10**10)
    c.score = rng.random() * 100
    c.verified = rng.random() < 0.5
    c.recent_orders.extend(rng.randint(1, 10**6) for _ in range(5))
    c.avatar_hash = bytes(rng.randint(0, 255) for _ in range(16))
    return c


def make(protoset, out):
    pool = load(protoset)
    rng = random.Random(7)
    customer_cls = message_factory.GetMessageClass(pool.FindMessageTypeByName("reprise.codec.bench.Customer"))
    list_cls = message_factory.GetMessageClass(pool.FindMessageTypeByName("reprise.codec.bench.ListCustomersResponse"))
    small = customer(customer_cls, rng, 1)
    large = list_cls()
    for i in range(500):
        large.customers.add().CopyFrom(customer(customer_cls, rng, i))
    large.next_page_token = "page-2"
    large.total = 12345
    for name, message in (("small", small), ("large", large)):
        open("%s/%s.bin" % (out, name), "wb").write(message.SerializeToString())
        text = json_format.MessageToJson(message, always_print_fields_with_no_presence=True, indent=None)
        open("%s/%s.json" % (out, name), "w").write(text)


def measure(body, runs, seconds):
    """Median CPU time of this thread per call (other processes on the shared machine don't count)."""
    iterations = 1
    while True:
        start = time.thread_time()
        for _ in range(iterations):
            body()
        elapsed = time.thread_time() - start
        if elapsed > seconds / 10:
            iterations = max(1, int(iterations * seconds / elapsed))
            break
        iterations *= 2
    per_call = []
    for _ in range(runs):
        start = time.thread_time()
        for _ in range(iterations):
            body()
        per_call.append((time.thread_time() - start) / iterations * 1e9)
    return statistics.median(per_call), iterations


def timing(protoset, type_name, binary_path, json_path, runs, seconds):
    pool = load(protoset)
    cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(type_name))
    data = open(binary_path, "rb").read()
    text = open(json_path).read()
    message = cls.FromString(data)
    operations = [
        ("binary_decode", len(data), lambda: cls.FromString(data)),
        ("binary_encode", len(data), lambda: message.SerializeToString()),
        ("json_encode", len(text.encode()), lambda: json_format.MessageToJson(
            message, always_print_fields_with_no_presence=True, indent=None)),
        ("json_decode", len(text.encode()), lambda: json_format.Parse(text, cls())),
    ]
    results = {"implementation": api_implementation.Type(), "bytes": len(data)}
    for name, size, body in operations:
        ns, iterations = measure(body, runs, seconds)
        results[name] = {"ns_per_op": ns, "mb_per_s": size / ns * 1e3, "iterations": iterations}
    print(json.dumps(results))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    else:
        timing(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]), float(sys.argv[7]))
