#!/usr/bin/env python3
"""Benchmark of the Python client against a running server, compared with the Swift client (the
`atsbridge` CLI) in the same run. Not a test: it prints figures for docs/benchmarks.md.

    atsbridge serve --demo --demo-size large --listen 127.0.0.1:7420 ...   # 100,000 candidates
    python clients/python/bench/bench_client.py --server 127.0.0.1:7420 --api-key KEY \\
        --atsbridge .build/release/atsbridge [--rounds 3] [--pings 5000]

Export: every candidate streamed and decoded into typed messages (each record's `id` read),
page size 1000, alternating Python and Swift (`atsbridge export candidates --format protobuf`),
A B A B. Ping: sequential unary Health/Ping calls on one connection, p50 and p99.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from google.protobuf.internal import api_implementation

from atsbridge import AsyncClient, Client


def python_decode(client: Client) -> tuple[int, float]:
    started = time.perf_counter()
    count = 0
    for candidate in client.candidates.list(page_size=1000):
        candidate.id
        count += 1
    return count, time.perf_counter() - started


def python_decode_deep(client: Client) -> tuple[int, float, int, int]:
    """Like python_decode, but reads every nested application's job id and every tag's name."""
    started = time.perf_counter()
    count = applications = tags = 0
    for candidate in client.candidates.list(page_size=1000):
        candidate.id
        for application in candidate.applications:
            application.job.id
            applications += 1
        for tag in candidate.tags:
            tag.name
            tags += 1
        count += 1
    return count, time.perf_counter() - started, applications, tags


def python_export(client: Client, path: Path) -> tuple[int, float]:
    started = time.perf_counter()
    count = client.candidates.export_to(path, format="protobuf", page_size=1000)
    return count, time.perf_counter() - started


def swift_export(binary: str, env: dict[str, str], path: Path) -> float:
    started = time.perf_counter()
    subprocess.run([binary, "export", "candidates", "--format", "protobuf", "--page-size", "1000", "--out", str(path)],
                   env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def sync_pings(client: Client, count: int) -> list[float]:
    for _ in range(200):
        client.ping()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        client.ping()
        samples.append(time.perf_counter() - started)
    return samples


def async_pings(args: argparse.Namespace, count: int) -> list[float]:
    async def main() -> list[float]:
        async with AsyncClient(args.server, api_key=args.api_key, integration_id=args.integration) as client:
            for _ in range(200):
                await client.ping()
            samples = []
            for _ in range(count):
                started = time.perf_counter()
                await client.ping()
                samples.append(time.perf_counter() - started)
            return samples

    return asyncio.run(main())


def swift_pings(binary: str, env: dict[str, str], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        out = subprocess.run([binary, "ping"], env=env, check=True, capture_output=True, text=True).stdout
        match = re.search(r"in (\d+) µs", out)
        if match:
            samples.append(int(match.group(1)) / 1e6)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--integration", default="demo")
    parser.add_argument("--atsbridge", required=True, help="the atsbridge binary (release)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pings", type=int, default=5000)
    parser.add_argument("--profile", action="store_true", help="profile one Python decode with pyinstrument")
    args = parser.parse_args()
    env = dict(os.environ, ATSBRIDGE_SERVER=args.server, ATSBRIDGE_API_KEY=args.api_key,
               ATSBRIDGE_INTEGRATION=args.integration)
    print(f"python {platform.python_version()}, protobuf backend {api_implementation.Type()}, "
          f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}")
    scratch = Path(tempfile.mkdtemp(prefix="atsbridge-bench-"))
    with Client(args.server, api_key=args.api_key, integration_id=args.integration, timeout=600) as client:
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
            python_decode(client)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False))
            return 0
        python_decode(client)  # warm-up: server caches, page faults
        swift_export(args.atsbridge, env, scratch / "swift.pb")
        decode_rates, deep_rates, export_rates, swift_rates = [], [], [], []
        for round in range(args.rounds):
            count, seconds = python_decode(client)
            decode_rates.append(count / seconds)
            swift_seconds = swift_export(args.atsbridge, env, scratch / "swift.pb")
            swift_rates.append(count / swift_seconds)
            exported, export_seconds = python_export(client, scratch / "python.pb")
            export_rates.append(exported / export_seconds)
            deep_count, deep_seconds, applications, tags = python_decode_deep(client)
            deep_rates.append(deep_count / deep_seconds)
            print(f"round {round + 1}: {count} candidates; python decode {count / seconds:,.0f}/s ({seconds:.2f} s), "
                  f"swift export {count / swift_seconds:,.0f}/s ({swift_seconds:.2f} s), "
                  f"python export_to protobuf {exported / export_seconds:,.0f}/s ({export_seconds:.2f} s), "
                  f"python decode reading nested fields {deep_count / deep_seconds:,.0f}/s "
                  f"({applications / deep_count:.2f} applications, {tags / deep_count:.2f} tags each)")
        print(f"median: python decode {statistics.median(decode_rates):,.0f} candidates/s, "
              f"python decode reading nested fields {statistics.median(deep_rates):,.0f}/s, "
              f"python export_to {statistics.median(export_rates):,.0f}/s, "
              f"swift export {statistics.median(swift_rates):,.0f}/s; "
              f"swift/python decode {statistics.median(swift_rates) / statistics.median(decode_rates):.2f}x")
        samples = sync_pings(client, args.pings)
    print(f"Client.ping x{len(samples)}: p50 {percentile(samples, 0.5) * 1e6:.0f} µs, "
          f"p99 {percentile(samples, 0.99) * 1e6:.0f} µs")
    samples = async_pings(args, args.pings)
    print(f"AsyncClient.ping x{len(samples)}: p50 {percentile(samples, 0.5) * 1e6:.0f} µs, "
          f"p99 {percentile(samples, 0.99) * 1e6:.0f} µs")
    samples = swift_pings(args.atsbridge, env, 50)
    if samples:
        print(f"atsbridge ping (a new process and connection each) x{len(samples)}: "
              f"p50 {percentile(samples, 0.5) * 1e6:.0f} µs, p99 {percentile(samples, 0.99) * 1e6:.0f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
