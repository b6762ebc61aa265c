#!/usr/bin/env bash
# One-shot initialisation of the Airflow metadata DB, run by the `airflow-init` compose
# service before any other Airflow component starts. Idempotent: every `docker compose up`
# runs it again, which is how a new image's DB migrations are applied.
set -euo pipefail

: "${AIRFLOW_ADMIN_USERNAME:?set in .env}"
: "${AIRFLOW_ADMIN_PASSWORD:?set in .env}"
: "${AIRFLOW_ADMIN_EMAIL:?set in .env}"
: "${AKHBAR_FETCH_POOL_SLOTS:?set in .env}"

echo "airflow-init: migrating the metadata database"
airflow db migrate

# FAB's `users create` leaves an existing user untouched, so a password changed later in
# .env does not silently overwrite one rotated in the UI; rotate with `airflow users
# reset-password` instead.
echo "airflow-init: ensuring admin user '${AIRFLOW_ADMIN_USERNAME}'"
airflow users create \
    --role Admin \
    --username "${AIRFLOW_ADMIN_USERNAME}" \
    --password "${AIRFLOW_ADMIN_PASSWORD}" \
    --email "${AIRFLOW_ADMIN_EMAIL}" \
    --firstname "${AIRFLOW_ADMIN_FIRSTNAME:-Akhbar}" \
    --lastname "${AIRFLOW_ADMIN_LASTNAME:-Admin}"

# The fetch pool caps concurrent fetches across all workers, however many are scaled up,
# so adding workers for CPU-bound extraction never multiplies the load on news sites.
echo "airflow-init: pool akhbar_fetch = ${AKHBAR_FETCH_POOL_SLOTS} slots"
airflow pools set akhbar_fetch "${AKHBAR_FETCH_POOL_SLOTS}" \
    "Concurrent source fetches across all Celery workers (politeness limit)"
