#!/usr/bin/env bash
# Checks formatting with the repository's .swift-format (strict: warnings fail; every benchmark
# target but the generated SwiftProtobuf models), then the
# documents (scripts/check-docs.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive Sources Tests Package.swift Benchmarks/Package.swift \
  $(find Benchmarks/Sources -mindepth 1 -maxdepth 1 -type d ! -name SwiftProtobufModels | sort)
scripts/check-docs.sh
