#!/usr/bin/env bash
# Makes throw-away TLS certificates for tests (never for production), with the openssl CLI:
#   scripts/make-test-certs.sh DIR
# DIR gets, all PEM, keys owner-only:
#   ca.pem ca.key              a test CA
#   other-ca.pem other-ca.key  a second CA that nothing trusts (the "wrong CA")
#   server.pem server.key      signed by ca: localhost, 127.0.0.1, ::1
#   server2.pem server2.key    signed by other-ca, same names (a certificate to reload to)
#   named.pem named.key        signed by ca, for the DNS name atsbridge.test only (no addresses)
#   client.pem client.key      a client certificate signed by ca
#   expired.pem expired.key    signed by ca, like server.pem, but expired a day ago
#   other-client.pem other-client.key  a client certificate signed by other-ca
set -euo pipefail
dir=${1:?usage: make-test-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
umask 077
curve=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)

ca() { # NAME CN
  openssl req -x509 "${curve[@]}" -keyout "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

leaf() { # NAME CN CA EXTENSIONS [DAYS, default 2; negative: expired that many days ago]
  openssl req "${curve[@]}" -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days "${5:-2}" -out "$1.pem" -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

server_ext='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'
named_ext='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:atsbridge.test'
client_ext='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'

ca ca "ATSBridge Test CA"
ca other-ca "Other Test CA"
leaf server localhost ca "$server_ext"
leaf server2 localhost other-ca "$server_ext"
leaf named atsbridge.test ca "$named_ext"
leaf expired localhost ca "$server_ext" -1
leaf client test-client ca "$client_ext"
leaf other-client other-client other-ca "$client_ext"
