#!/bin/sh
# The image's entry point: secrets from files, then the command. For each secret below, NAME_FILE
# (a path, e.g. a Docker secret or the compose stack's keys volume) sets NAME to the file's
# content, so keys stay out of the compose file and `docker inspect`. The services read NAME as
# usual. Only these names: other *_FILE variables (SSL_CERT_FILE) keep their own meaning.
set -e
secrets='AUTH_JWT_PRIVATE_KEY AUTH_JWT_PUBLIC_KEY GATEWAY_INTERNAL_PRIVATE_KEY GATEWAY_INTERNAL_PUBLIC_KEY'
for name in $secrets; do
  path=$(printenv "${name}_FILE" || true)
  [ -n "$path" ] || continue
  if [ ! -r "$path" ]; then
    echo "${name}_FILE: cannot read $path" >&2
    exit 1
  fi
  export "$name=$(cat "$path")"
  unset "${name}_FILE"
done
exec "$@"
