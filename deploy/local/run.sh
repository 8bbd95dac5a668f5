#!/bin/sh
# The local multi-replica run (multi-replica.ts): two processes of every subgraph and two
# gateways behind HAProxy from Debian's packages, installed here when missing. Needs PostgreSQL
# and RabbitMQ on 127.0.0.1 as the tests do. Takes the machine for about a minute: run it by
# hand, once; it is not part of `npm test`.
#   sh deploy/local/run.sh        (or: npm run local:multi-replica -w @jobber/deploy)
set -e
cd "$(dirname "$0")/../.."
if ! command -v haproxy >/dev/null 2>&1; then
  echo "installing haproxy (Debian's package)"
  apt-get update -qq
  apt-get install -y -qq haproxy >/dev/null
fi
haproxy -v | head -n 1
exec node --conditions=@jobber/source --import tsx deploy/local/multi-replica.ts
