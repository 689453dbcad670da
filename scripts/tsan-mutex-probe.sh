#!/usr/bin/env bash
# Shows that this toolchain's ThreadSanitizer reports a "Swift access race" on a correctly used
# Synchronization.Mutex: four threads make 80,000 locked increments, the count comes out exact,
# and TSan still reports the closure's access. scripts/sanitize.sh's Mutex reports are of this
# kind (docs/security.md, "Hardening runs").
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/main.swift" <<'SWIFT'
import Foundation
import Synchronization

final class Box: Sendable { let count = Mutex(0) }
let box = Box()
for _ in 0..<4 { Thread { for _ in 0..<20_000 { box.count.withLock { $0 += 1 } } }.start() }
while box.count.withLock({ $0 }) < 80_000 { usleep(1000) }
print("count \(box.count.withLock { $0 }) (expected 80000)")
SWIFT
swiftc -sanitize=thread -g "$dir/main.swift" -o "$dir/probe"
TSAN_OPTIONS=halt_on_error=0 "$dir/probe" 2>&1 | grep -E "^(WARNING|count)" | sort | uniq -c
