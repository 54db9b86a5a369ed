#!/usr/bin/env bash
# Creates or updates the log-based metrics and alert policies in monitoring/ with gcloud.
# Usage: GCP_PROJECT_ID=... NOTIFICATION_CHANNEL=projects/.../notificationChannels/... monitoring/apply.sh
set -euo pipefail
: "${GCP_PROJECT_ID:?set GCP_PROJECT_ID}"
: "${NOTIFICATION_CHANNEL:?set NOTIFICATION_CHANNEL (projects/<project>/notificationChannels/<id>)}"
cd "$(dirname "$0")"
for file in metrics/*.json; do
  name="$(basename "$file" .json)"
  if gcloud logging metrics describe "$name" --project "$GCP_PROJECT_ID" >/dev/null 2>&1; then
    gcloud logging metrics update "$name" --project "$GCP_PROJECT_ID" --config-from-file "$file"
  else
    gcloud logging metrics create "$name" --project "$GCP_PROJECT_ID" --config-from-file "$file"
  fi
done
for file in policies/*.json; do
  rendered="$(mktemp)"
  sed "s#\${NOTIFICATION_CHANNEL}#${NOTIFICATION_CHANNEL}#g" "$file" > "$rendered"
  display="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).displayName)' "$rendered")"
  existing="$(gcloud monitoring policies list --project "$GCP_PROJECT_ID" --filter "displayName=\"$display\"" --format 'value(name)')"
  if [ -n "$existing" ]; then
    gcloud monitoring policies update "$existing" --project "$GCP_PROJECT_ID" --policy-from-file "$rendered"
  else
    gcloud monitoring policies create --project "$GCP_PROJECT_ID" --policy-from-file "$rendered"
  fi
  rm -f "$rendered"
done
