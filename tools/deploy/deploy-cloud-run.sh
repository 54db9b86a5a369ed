#!/usr/bin/env bash
# nx run <app>:deploy — build the image from the gated bundle, push it, deploy a Cloud Run revision
# with no traffic under a commit tag, probe that revision's /health/ready (which must report this
# commit), then move all traffic to it and check the serving URL; on any failure, traffic goes
# back to the revision that served before. The cli deploys as a Cloud Run job.
set -euo pipefail

app="${1:?usage: deploy-cloud-run.sh <coordinator|worker|cli>}"
: "${GCP_PROJECT_ID:?set GCP_PROJECT_ID}" "${GCP_REGION:?set GCP_REGION}" "${ARTIFACT_REPOSITORY:?set ARTIFACT_REPOSITORY}"

commit="$(git rev-parse HEAD)"
short="${commit:0:12}"
image="${GCP_REGION}-docker.pkg.dev/${GCP_PROJECT_ID}/${ARTIFACT_REPOSITORY}/${app}:${commit}"

docker build --pull --no-cache -f "docker/${app}.Dockerfile" --build-arg "BUILD_COMMIT=${commit}" -t "${image}" .
docker push "${image}"

case "${app}" in
  coordinator) service=prediction-coordinator; flags=(--memory=1Gi --cpu=1 --concurrency=8 --timeout=900 --min-instances=1 --max-instances=3) ;;
  worker) service=prediction-worker; flags=(--memory=2Gi --cpu=2 --concurrency=5 --timeout=300 --min-instances=0 --max-instances=20) ;;
  cli)
    gcloud run jobs deploy props-cli --image="${image}" --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" \
      --labels="commit-sha=${short}" --set-env-vars="PROPS_BACKEND=gcp,GCP_PROJECT_ID=${GCP_PROJECT_ID}" --quiet
    exit 0 ;;
  *) echo "deploy: unknown app ${app}" >&2; exit 2 ;;
esac

previous="$(gcloud run services describe "${service}" --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" \
  --format='value(status.traffic[0].revisionName)' 2>/dev/null || true)"
tag="c-${short}"

gcloud run deploy "${service}" --image="${image}" --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" \
  --no-traffic --tag="${tag}" --labels="commit-sha=${short}" \
  --update-env-vars="PROPS_BACKEND=gcp,GCP_PROJECT_ID=${GCP_PROJECT_ID}" "${flags[@]}" --quiet

probe() {
  local url="$1" token body
  token="$(gcloud auth print-identity-token --audiences="${url}")"
  for _ in $(seq 1 20); do
    if body="$(curl -fsS --max-time 10 -H "Authorization: Bearer ${token}" "${url}/health/ready")" \
      && [[ "${body}" == *"\"commit\":\"${commit}\""* ]]; then
      return 0
    fi
    sleep 6
  done
  echo "probe failed for ${url}: ${body:-no answer}" >&2
  return 1
}

rollback() {
  if [[ -n "${previous}" ]]; then
    echo "rolling ${service} back to ${previous}" >&2
    gcloud run services update-traffic "${service}" --to-revisions="${previous}=100" \
      --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" --quiet
  fi
  exit 1
}

tagged_url="$(gcloud run services describe "${service}" --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" \
  --format=json | jq -r --arg tag "${tag}" '.status.traffic[] | select(.tag == $tag) | .url')"
probe "${tagged_url}" || rollback

gcloud run services update-traffic "${service}" --to-tags="${tag}=100" \
  --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" --quiet
service_url="$(gcloud run services describe "${service}" --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" --format='value(status.url)')"
probe "${service_url}" || rollback
echo "${service} serves ${commit} (${tag})"
