#!/bin/sh
# Runs once, when the postgres container starts on an empty data volume
# (/docker-entrypoint-initdb.d): a database for each subgraph, as listed in JOBBER_DATABASES.
# The `migrate` service then applies each subgraph's migrations to its own database.
set -e
for database in $JOBBER_DATABASES; do
  echo "creating database $database"
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -c "CREATE DATABASE \"$database\""
done
