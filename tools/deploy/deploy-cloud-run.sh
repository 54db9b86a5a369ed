#!/usr/bin/env bash
# nx run <app>:deploy (ENVIRONMENT=staging|production) — build the image from the gated bundle, push
# it, and roll it out. The services, jobs, their environment, sizes and identities are declared in
# infra/ (Pulumi); a deploy changes only the image and the traffic. A service gets a revision with no
# traffic under a commit tag; that revision's /health/ready must report this commit; then all traffic
# moves to it and the serving URL is checked the same way; on any failure, traffic goes back to the
# revision that served before. The cli's jobs get the new image.
#
# DEPLOY_STEP=image only builds and pushes the image; DEPLOY_STEP=rollout only rolls out an image
# already pushed; unset, both. deploy.yml builds every image first, then mints each service's identity
# token right before its rollout (the auth action's ID tokens last at most 10 minutes).
set -euo pipefail

app="${1:?usage: deploy-cloud-run.sh <coordinator|worker|cli>}"
: "${GCP_PROJECT_ID:?set GCP_PROJECT_ID}" "${GCP_REGION:?set GCP_REGION}" "${ARTIFACT_REPOSITORY:?set ARTIFACT_REPOSITORY}"
environment="${ENVIRONMENT:-production}"
case "${environment}" in
  production) suffix="" ;;
  staging) suffix="-staging" ;;
  *) echo "deploy: ENVIRONMENT must be production or staging, got ${environment}" >&2; exit 2 ;;
esac

step="${DEPLOY_STEP:-all}"
case "${step}" in
  image|rollout|all) ;;
  *) echo "deploy: DEPLOY_STEP must be image, rollout or unset, got ${step}" >&2; exit 2 ;;
esac

commit="$(git rev-parse HEAD)"
short="${commit:0:12}"
image="${GCP_REGION}-docker.pkg.dev/${GCP_PROJECT_ID}/${ARTIFACT_REPOSITORY}/${app}:${commit}"

# One image per commit, shared by both environments: staging builds and pushes it, production reuses it.
if ! docker manifest inspect "${image}" >/dev/null 2>&1; then
  if [[ "${step}" == rollout ]]; then
    echo "deploy: ${image} is not in the registry; build and push it first (DEPLOY_STEP=image)" >&2
    exit 1
  fi
  docker build --pull --no-cache -f "docker/${app}.Dockerfile" --build-arg "BUILD_COMMIT=${commit}" -t "${image}" .
  docker push "${image}"
fi
if [[ "${step}" == image ]]; then
  echo "${image} pushed"
  exit 0
fi

if [[ "${app}" == cli ]]; then
  for job in grade verify staging-cleanup cli; do
    gcloud run jobs update "props-${job}${suffix}" --image="${image}" --labels="commit-sha=${short}" \
      --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" --quiet
  done
  echo "props jobs${suffix} run ${commit}"
  exit 0
fi

case "${app}" in
  coordinator|worker) service="prediction-${app}${suffix}" ;;
  *) echo "deploy: unknown app ${app}" >&2; exit 2 ;;
esac
# An identity token Cloud Run accepts for this service. deploy.yml mints it for the service's custom
# audience (infra/src/names.ts) with google-github-actions/auth, because gcloud cannot print an identity
# token from workload identity federation's credentials (google-github-actions/auth#291). An operator's
# own gcloud account needs no audience: Cloud Run takes gcloud's token from any account with
# run.routes.invoke on the service (Cloud Run, "Authenticate developers").
token_variable="DEPLOY_ID_TOKEN_${app^^}"
identity_token() {
  if [[ -n "${!token_variable:-}" ]]; then
    printf '%s' "${!token_variable}"
  else
    gcloud auth print-identity-token
  fi
}
# A minted token lasts at most 10 minutes (google-github-actions/auth README, "Inputs: Generating ID
# tokens"): one about to expire is named in one line rather than surfacing as a probe's 401.
minted_token_expired() {
  [[ -n "${!token_variable:-}" ]] || return 1
  local left
  left="$(TOKEN="${!token_variable}" node -e '
    const part = (process.env.TOKEN ?? "").split(".")[1] ?? "";
    let exp = NaN;
    try { exp = Number(JSON.parse(Buffer.from(part, "base64url").toString()).exp); } catch {}
    console.log(Number.isFinite(exp) ? exp - Math.floor(Date.now() / 1000) : "none");')"
  if [[ "${left}" == none ]]; then
    echo "deploy: ${token_variable} is not an identity token (no exp claim in a JWT payload)" >&2
    return 0
  fi
  if (( left < 30 )); then
    echo "deploy: ${token_variable} expires in ${left}s; mint it in the step right before this rollout" >&2
    return 0
  fi
  return 1
}

traffic() {
  gcloud run services describe "${service}" --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" --format=json \
    | node tools/deploy/cloud-run-traffic.mjs "$@"
}
if minted_token_expired; then exit 1; fi
previous="$(traffic serving-revision)"
tag="c-${short}"

gcloud run deploy "${service}" --image="${image}" --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" \
  --no-traffic --tag="${tag}" --labels="commit-sha=${short}" --quiet

probe() {
  local url="$1" token body
  if minted_token_expired; then return 1; fi
  token="$(identity_token)"
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

tagged_url="$(traffic tag-url "${tag}")"
if [[ -z "${tagged_url}" ]]; then
  echo "deploy: ${service} has no URL for tag ${tag}" >&2
  rollback
fi
probe "${tagged_url}" || rollback

gcloud run services update-traffic "${service}" --to-tags="${tag}=100" \
  --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" --quiet
service_url="$(gcloud run services describe "${service}" --region="${GCP_REGION}" --project="${GCP_PROJECT_ID}" --format='value(status.url)')"
probe "${service_url}" || rollback
echo "${service} serves ${commit} (${tag})"
