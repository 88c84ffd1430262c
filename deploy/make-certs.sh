#!/usr/bin/env bash
# Makes the cluster's remoting certificates (README "Remoting security"): a cluster CA, and one certificate per member
# signed by it, as PKCS#12 files the processes load. Every member accepts a peer only with a certificate of this CA.
#
#   deploy/make-certs.sh [OUT_DIR] [MEMBER...]      # default: deploy/tls, and the services of docker-compose.yml
#
# The PKCS#12 password comes from ORCHESTRATOR_TLS_PASSWORD (default: "orchestrator"; compose passes the same
# variable to the processes). Keep OUT_DIR/ca.key off the cluster's machines: it mints members.
set -euo pipefail
out=${1:-"$(dirname "$0")/tls"}
shift || true
members=("$@")
if [[ ${#members[@]} -eq 0 ]]; then
  members=(controller-1 controller-2 node-1 node-2 node-3)
fi
password=${ORCHESTRATOR_TLS_PASSWORD:-orchestrator}
mkdir -p "$out"
if [[ ! -f "$out/ca.crt" ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=p2pmem-orchestrator cluster CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
fi
for member in "${members[@]}"; do
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$member" -keyout "$out/$member.key" -out "$out/$member.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:%s\n' "$member" > "$out/$member.ext"
  openssl x509 -req -in "$out/$member.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -days 825 \
    -extfile "$out/$member.ext" -out "$out/$member.crt" 2>/dev/null
  openssl pkcs12 -export -in "$out/$member.crt" -inkey "$out/$member.key" -passout "pass:$password" -out "$out/$member.pfx"
  rm -f "$out/$member.csr" "$out/$member.ext" "$out/$member.key"
  chmod 644 "$out/$member.pfx"
done
echo "cluster CA and certificates for ${members[*]} in $out"
