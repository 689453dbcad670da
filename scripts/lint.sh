#!/usr/bin/env bash
# Checks formatting with the repository's .swift-format (strict: warnings fail), then the
# documents (scripts/check-docs.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive Sources Tests Package.swift Benchmarks/Package.swift \
  Benchmarks/Sources/BenchmarkSupport Benchmarks/Sources/CodecBenchmarks Benchmarks/Sources/RPCBenchmarks Benchmarks/Sources/StoreBenchmarks Benchmarks/Sources/SandboxBenchmarks
scripts/check-docs.sh
