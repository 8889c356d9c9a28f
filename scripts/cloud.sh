#!/usr/bin/env bash
# The Makefile's cloud targets (docs/cloud.md), over the Terraform in terraform/:
#   scripts/cloud.sh train JOB.yaml   upload the CLI bundle and the job spec, start a GPU instance that
#                                     runs the job and terminates itself
#   scripts/cloud.sh deploy           push the function's image to ECR, point the Lambda function at it
#   scripts/cloud.sh destroy          remove everything Terraform made (FORCE=true: with data and images)
#
# Settings come from the environment; the Makefile passes its variables. BUCKET and AWS_REGION are
# required, PREFIX defaults to d2llm (the three are always passed to Terraform, so that uploads and
# Terraform agree). Others: TF_DIR (terraform), TF_APPLY_FLAGS (e.g. -auto-approve), BUNDLE
# (dist/d2llm-cli.tar.gz), JOB_OUTPUT (else the spec's top-level output:), VALIDATE (1: run
# ./d2llm job validate locally first), FUNCTION_IMAGE (the local image the lambda build made),
# FUNCTION_URL_AUTH (AWS_IAM or NONE), INDEX_URI, D2LLM_AUTH_API_KEY (the function's key), FORCE.
#
# The training instance and the function share one Terraform state but are applied separately
# (-target), so that starting a job never touches the function and deploying never touches a
# running job. Everything else (instance type, Spot, sizes) belongs in terraform/terraform.tfvars.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

die() {
  echo "cloud: $*" >&2
  exit 1
}

tf_dir="${TF_DIR:-terraform}"
bucket="${BUCKET:-}"
region="${AWS_REGION:-}"
prefix="${PREFIX:-d2llm}"
[ -n "$bucket" ] || die "set BUCKET=name-of-the-artifact-bucket (Terraform creates it; the name must be globally unique)"
[ -n "$region" ] || die "set AWS_REGION=region-code, e.g. AWS_REGION=eu-west-1"
read -r -a apply_flags <<<"${TF_APPLY_FLAGS:-}"
[ -d "$tf_dir/.terraform" ] ||
  die "$tf_dir is not initialised: run 'terraform -chdir=$tf_dir init' once (it downloads the hashicorp/aws provider from registry.terraform.io)"

# The function's API key travels as an environment variable, never on a command line.
if [ -n "${D2LLM_AUTH_API_KEY:-}" ]; then export TF_VAR_function_api_key="$D2LLM_AUTH_API_KEY"; fi

# Passed to every plan, so that both parts and the uploads agree on where things live.
base_vars=(-var "aws_region=$region" -var "bucket_name=$bucket" -var "prefix=$prefix")

storage_targets=(
  -target=aws_s3_bucket_ownership_controls.artifacts
  -target=aws_s3_bucket_public_access_block.artifacts
  -target=aws_s3_bucket_server_side_encryption_configuration.artifacts
  -target=aws_s3_bucket_versioning.artifacts
  -target=aws_s3_bucket_lifecycle_configuration.artifacts
  -target=aws_s3_bucket_policy.artifacts
)
training_targets=(-target=aws_instance.training "${storage_targets[@]}")
registry_targets=(-target=aws_ecr_repository_policy.function -target=aws_ecr_lifecycle_policy.function)
function_targets=(
  -target=aws_lambda_function_url.search
  -target=aws_lambda_permission.url_public
  -target=aws_lambda_permission.url_public_invoke
  -target=aws_iam_policy.function_invoker
  "${registry_targets[@]}"
  "${storage_targets[@]}"
)

tf() { terraform -chdir="$tf_dir" "$@"; }
output() { tf output -raw "$1" 2>/dev/null || true; }

# The training instance of the last cloud-train, if it is still pending or running.
running_instance() {
  local id state
  id="$(output training_instance_id)"
  [ -n "$id" ] || return 0
  state="$(aws ec2 describe-instances --region "$region" --instance-ids "$id" \
    --query 'Reservations[0].Instances[0].State.Name' --output text 2>/dev/null || true)"
  case "$state" in pending | running) echo "$id" ;; esac
}

# The spec's own output location: JOB_OUTPUT if set, else what `job validate` resolved (variables
# substituted) when it ran, else the spec's top-level `output:` line taken literally.
job_output() {
  local out="${JOB_OUTPUT:-}"
  if [ -z "$out" ] && [ -n "${2:-}" ]; then
    out="$(sed -n -E 's/^job=.* output=([^ ]+) valid=true$/\1/p' <<<"$2" | tail -n 1)"
  fi
  if [ -z "$out" ]; then
    out="$(sed -n -E "s/^output:[[:space:]]*['\"]?([^'\" #]+)['\"]?.*$/\1/p" "$1" | head -n 1)"
    [[ $out != *"\${"* ]] || die "$1: output: uses variables; run with VALIDATE=1 or set JOB_OUTPUT"
  fi
  [ -z "$out" ] || [[ $out == */ ]] || out="$out/"
  echo "$out"
}

train() {
  local job="${1:-}" bundle="${BUNDLE:-dist/d2llm-cli.tar.gz}" name key out busy id validated
  [ -n "$job" ] || die "usage: make cloud-train JOB=path/to/job.yaml"
  [ -f "$job" ] || die "$job: no such job spec"
  case "$job" in *.yaml | *.yml) ;; *) die "$job: a job spec is a .yaml or .yml file" ;; esac
  [ -f "$bundle" ] || die "$bundle is missing: make cloud-bundle builds it"
  name="$(basename "$job")"
  name="${name%.*}"
  key="$prefix/jobs/$name.yaml"
  validated=""
  if [ "${VALIDATE:-1}" = 1 ]; then
    validated="$(./d2llm job validate "$job")"
    echo "$validated"
  fi
  out="$(job_output "$job" "$validated")"
  [ -n "$out" ] || die "$job names no output location: add a top-level 'output: s3://$bucket/$prefix/runs/$name/' (or set JOB_OUTPUT)"
  [[ $out == "s3://$bucket/$prefix/"* ]] ||
    die "$job writes to $out, outside s3://$bucket/$prefix/, the only place the instance may write"
  busy="$(running_instance)"
  [ -z "$busy" ] || die "a training job still runs on $busy ($(output job_spec_key)); wait for it to end or make cloud-destroy"

  echo "cloud: the artifact bucket (s3://$bucket/$prefix/)"
  tf apply "${apply_flags[@]}" "${base_vars[@]}" "${storage_targets[@]}"
  echo "cloud: uploading $bundle and $job"
  aws s3 cp "$bundle" "s3://$bucket/$prefix/dist/d2llm-cli.tar.gz" --region "$region" --only-show-errors
  aws s3 cp "$job" "s3://$bucket/$key" --region "$region" --only-show-errors
  echo "cloud: the training instance for s3://$bucket/$key"
  tf apply "${apply_flags[@]}" "${base_vars[@]}" -var "job_spec_key=$key" -var "job_output_uri=$out" "${training_targets[@]}"
  id="$(output training_instance_id)"
  cat <<MSG

cloud: instance $id runs s3://$bucket/$key and terminates itself when it ends.
  outputs:   $out  (job-state.json, logs/, report/)
  boot log:  ${out}logs/instance-$id.log, uploaded at the end
  follow:    aws ssm start-session --region $region --target $id, then: sudo tail -f /var/log/d2llm-job.log
MSG
}

deploy() {
  local image="${FUNCTION_IMAGE:-}" repo name tag digest index url auth_vars=()
  [ -n "$image" ] || die "set FUNCTION_IMAGE to the local image the function's lambda build made"
  docker image inspect "$image" >/dev/null 2>&1 ||
    die "there is no local image $image: the function's lambda build makes it (make cloud-deploy runs FUNCTION_BUILD), or set FUNCTION_IMAGE"
  if [ -n "${FUNCTION_URL_AUTH:-}" ]; then auth_vars=(-var "function_url_auth_type=$FUNCTION_URL_AUTH"); fi

  echo "cloud: the image repository"
  tf apply "${apply_flags[@]}" "${base_vars[@]}" "${auth_vars[@]}" "${registry_targets[@]}"
  repo="$(output ecr_repository_url)"
  name="$(output ecr_repository_name)"
  if [ -z "$repo" ] || [ -z "$name" ]; then die "terraform gave no ecr_repository_url / ecr_repository_name"; fi
  tag="$(git rev-parse --short=12 HEAD 2>/dev/null || echo local)-$(date -u +%Y%m%dT%H%M%SZ)"
  echo "cloud: pushing $image as $repo:$tag"
  aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "${repo%%/*}"
  docker tag "$image" "$repo:$tag"
  docker push "$repo:$tag"
  digest="$(aws ecr describe-images --region "$region" --repository-name "$name" --image-ids "imageTag=$tag" \
    --query 'imageDetails[0].imageDigest' --output text)"
  [[ $digest == sha256:* ]] || die "ECR reports no digest for $repo:$tag (got '$digest')"
  index="${INDEX_URI:-s3://$bucket/$prefix/index/}"

  echo "cloud: the function ($digest, index $index)"
  tf apply "${apply_flags[@]}" "${base_vars[@]}" "${auth_vars[@]}" \
    -var "function_image_ref=$digest" -var "index_uri=$index" "${function_targets[@]}"
  url="$(output function_url)"
  if [ "$(output function_url_auth_type)" = NONE ]; then
    cat <<MSG

cloud: the function answers at $url
  curl -s ${url}search -H "X-API-Key: \$D2LLM_AUTH_API_KEY" -H 'Content-Type: application/json' \\
    -d '{"query": "How tall is the highest mountain?", "topK": 3}'
MSG
  else
    cat <<MSG

cloud: the function answers at $url (AWS_IAM: attach $(output function_invoker_policy_arn) to callers)
  curl -s ${url}search --aws-sigv4 "aws:amz:$region:lambda" --user "\$AWS_ACCESS_KEY_ID:\$AWS_SECRET_ACCESS_KEY" \\
    -H "X-Amz-Security-Token: \$AWS_SESSION_TOKEN" -H 'Content-Type: application/json' \\
    -d '{"query": "How tall is the highest mountain?", "topK": 3}'
MSG
  fi
}

destroy() {
  local force="${FORCE:-false}"
  [[ $force == true || $force == false ]] || die "FORCE must be true or false, not '$force'"
  if [ "$force" = true ]; then
    # force_destroy has to be in the state before destroy honours it.
    echo "cloud: allowing destroy to empty the bucket and the image repository"
    tf apply "${apply_flags[@]}" "${base_vars[@]}" -var "force_destroy=true" \
      -target=aws_s3_bucket.artifacts -target=aws_ecr_repository.function
  fi
  tf destroy "${apply_flags[@]}" "${base_vars[@]}" -var "force_destroy=$force"
}

case "${1:-}" in
  train) train "${2:-}" ;;
  deploy) deploy ;;
  destroy) destroy ;;
  *) die "usage: scripts/cloud.sh train JOB.yaml | deploy | destroy" ;;
esac
