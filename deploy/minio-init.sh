#!/bin/sh
# One-shot MinIO setup, run by the `minio-init` compose service with the `mc` client:
# the dataset bucket, and a pipeline account limited to that bucket so Airflow never holds
# the MinIO root credentials. Idempotent: safe on every `docker compose up`.
set -eu

: "${MINIO_ROOT_USER:?set in .env}"
: "${MINIO_ROOT_PASSWORD:?set in .env}"
: "${AKHBAR_BUCKET:?set in .env}"
: "${AKHBAR_S3_ACCESS_KEY:?set in .env}"
: "${AKHBAR_S3_SECRET_KEY:?set in .env}"

mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "local/$AKHBAR_BUCKET"

policy_file=$(mktemp)
cat > "$policy_file" <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:*"],
     "Resource": ["arn:aws:s3:::$AKHBAR_BUCKET", "arn:aws:s3:::$AKHBAR_BUCKET/*"]}
  ]
}
EOF
mc admin policy create local akhbar-readwrite "$policy_file"
rm -f "$policy_file"

mc admin user add local "$AKHBAR_S3_ACCESS_KEY" "$AKHBAR_S3_SECRET_KEY"
if ! out=$(mc admin policy attach local akhbar-readwrite --user "$AKHBAR_S3_ACCESS_KEY" 2>&1); then
    case "$out" in
        *"already"*) ;;  # re-run: the policy is attached from a previous start
        *) echo "$out" >&2; exit 1 ;;
    esac
fi
echo "minio-init: bucket '$AKHBAR_BUCKET' ready for user '$AKHBAR_S3_ACCESS_KEY'"
