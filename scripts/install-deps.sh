#!/usr/bin/env bash
# Installs the system packages ATSBridge needs to build and test, when they are missing.
# Debian/Ubuntu (apt-get); run as root or with sudo available.
set -euo pipefail
# python3-venv and python3-pip: the Python client's tests (scripts/test-python.sh) run in a venv.
# openssl: scripts/make-test-certs.sh makes the TLS tests' certificates.
# postgresql: the server of the PostgreSQL store's tests (scripts/postgres-test-cluster.sh).
packages=(libprotobuf-c-dev protobuf-c-compiler protobuf-compiler pkg-config python3 python3-venv python3-pip libsqlite3-dev openssl
  postgresql)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
