#!/usr/bin/env bash
# make terraform-check, and the end of make test: offline checks of terraform/, of the Makefile's
# cloud targets (scripts/cloud.sh) and of the repository's shell scripts. Nothing here reaches AWS
# or the Terraform registry: Terraform runs only on provider-less copies of the variables and of
# the user_data rendering, and aws, docker and terraform are stubs when the cloud targets run.
#
#   1. declarations: every variable has a description and a type, every output a description;
#      every var.X used is declared and every declared variable is used; every -var NAME= and
#      TF_VAR_NAME the Makefile or scripts/cloud.sh pass is declared; every -target names a
#      resource; every output scripts/cloud.sh reads exists; the user_data template uses exactly the
#      keys terraform/user_data.tf's templatefile call passes; terraform.tfvars.example names only
#      declared variables
#   2. terraform fmt -check -recursive terraform/
#   3. the variables' validation rules: good values pass, each bad value is refused
#   4. user_data rendered by Terraform from that very templatefile call, under 16 KB, shellcheck-clean,
#      and run against stubs: the right calls in order, log uploaded and power-off on success and failure
#   5. make cloud-train / cloud-deploy / cloud-destroy run against stubs; the -targets each passes
#      reach every resource of its part (a targeted apply creates nothing else); every Terraform
#      call they make is replayed (its -var values) against the real validation rules, and the
#      user_data of the cloud-train call is rendered and shellchecked
#   6. shellcheck on the repository's own shell scripts
#   7. each check above, fed a broken copy, fails (so none of them can pass vacuously)
#
# Without terraform on PATH, 2, 3 and 5's replay are skipped (loudly) and the template is rendered
# by plain substitution for shellcheck. Takes a few seconds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
if [ ! -f "${TF_CLI_CONFIG_FILE:-$HOME/.terraformrc}" ]; then export TF_CLI_CONFIG_FILE=/dev/null; fi
shellcheck="$root/scripts/tools/shellcheck"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

failures=0
ok() { echo "ok   $*"; }
fail() {
  echo "FAIL $*" >&2
  failures=$((failures + 1))
}

real_tf="$(command -v terraform || true)"
if [ -z "$real_tf" ]; then
  echo "SKIP terraform is not on PATH: no fmt check, no validation rules, no Terraform rendering (install Terraform >= 1.9 to run them)" >&2
fi

# ---- 1. Declarations ----------------------------------------------------------------------------

# Prints one problem per line and fails if there is any. $1 is a repository root (the real one, or
# a broken copy in the self-tests).
check_declarations() {
  local dir="$1" problems=() name desc type
  local tf="$dir/terraform" callers=("$dir/Makefile" "$dir/scripts/cloud.sh")
  local -A declared=() used=() passed=() outputs=() template_keys=() map_keys=()

  # Blocks as terraform fmt lays them out: `variable "x" {` ... `}` at column 0, attributes indented by two.
  while read -r name desc type; do
    declared[$name]=1
    [ "$desc" = 1 ] || problems+=("variable $name has no description")
    [ "$type" = 1 ] || problems+=("variable $name has no type")
  done < <(awk '
    /^variable "/ { name = $2; gsub(/"/, "", name); desc = 0; type = 0; open = 1; next }
    open && /^  description *= *"[^"]/ { desc = 1 }
    open && /^  type *= / { type = 1 }
    open && /^}/ { print name, desc, type; open = 0 }' "$tf/variables.tf")
  while read -r name desc; do
    outputs[$name]=1
    [ "$desc" = 1 ] || problems+=("output $name has no description")
  done < <(awk '
    /^output "/ { name = $2; gsub(/"/, "", name); desc = 0; open = 1; next }
    open && /^  description *= *"[^"]/ { desc = 1 }
    open && /^}/ { print name, desc; open = 0 }' "$tf/outputs.tf")

  while read -r name; do
    [ "${name##*/}" = variables.tf ] || problems+=("${name##*/} declares variables; they belong in variables.tf")
  done < <(grep -l '^variable "' "$tf"/*.tf)
  while read -r name; do
    [ -n "${declared[$name]:-}" ] || problems+=("var.$name is used but not declared in variables.tf")
  done < <(grep -ohE '\bvar\.[A-Za-z0-9_]+' "$tf"/*.tf | sed 's/^var\.//' | sort -u)
  while read -r name; do
    used[$name]=1
  done < <(find "$tf" -maxdepth 1 -name '*.tf' ! -name variables.tf -exec grep -ohE '\bvar\.[A-Za-z0-9_]+' {} + | sed 's/^var\.//' | sort -u)
  for name in "${!declared[@]}"; do
    [ -n "${used[$name]:-}" ] || problems+=("variable $name is declared but used nowhere outside variables.tf")
  done
  while read -r name; do
    [ -n "${declared[$name]:-}" ] || problems+=("terraform.tfvars.example sets $name, which variables.tf does not declare")
  done < <(sed -n -E 's/^(# )?([a-z][a-z0-9_]*) += .*/\2/p' "$tf/terraform.tfvars.example" | sort -u)

  while read -r name; do
    passed[$name]=1
  done < <(grep -ohE -- "-var[= ]+[\"']?[A-Za-z0-9_]+=" "${callers[@]}" | sed -E "s/^-var[= ]+[\"']?//; s/=$//" | sort -u)
  [ "${#passed[@]}" -gt 0 ] || problems+=("found no -var NAME= in the Makefile or scripts/cloud.sh (has the way they call Terraform changed?)")
  while read -r name; do
    passed[$name]=1
  done < <(grep -ohE 'TF_VAR_[A-Za-z0-9_]+' "${callers[@]}" | sed 's/^TF_VAR_//' | sort -u)
  for name in "${!passed[@]}"; do
    [ -n "${declared[$name]:-}" ] || problems+=("the cloud targets pass variable $name, which variables.tf does not declare")
  done
  local -A resources=()
  while read -r name; do
    resources[$name]=1
  done < <(sed -n -E 's/^resource "([^"]+)" "([^"]+)".*/\1.\2/p' "$tf"/*.tf)
  while read -r name; do
    [ -n "${resources[$name]:-}" ] || problems+=("the cloud targets target $name, which no .tf file defines")
  done < <(grep -ohE -- '-target=[a-z0-9_]+\.[a-z0-9_]+' "${callers[@]}" | sed 's/^-target=//' | sort -u)
  while read -r name; do
    [ -n "${outputs[$name]:-}" ] || problems+=("scripts/cloud.sh reads output $name, which outputs.tf does not define")
  done < <(grep -ohE '\(output [a-z0-9_]+\)' "$dir/scripts/cloud.sh" | sed -E 's/^\(output //; s/\)$//' | sort -u)

  # ${name} in the template (not $${...}, which renders as a literal ${...} for bash) against the
  # keys of the templatefile(...) map in user_data.tf.
  while read -r name; do
    [ -n "$name" ] || continue
    template_keys[$name]=1
  done < <(grep -oE '(^|[^$])\$\{[^}]*\}' "$tf/templates/user_data.sh.tftpl" | sed -E 's/^.?\$\{//; s/\}$//' | sort -u)
  while read -r name; do
    map_keys[$name]=1
  done < <(awk '/templatefile\(/ { open = 1; next } open && /^  \}\)/ { open = 0 } open' "$tf/user_data.tf" |
    sed -n -E 's/^ +([A-Za-z0-9_]+) += .*/\1/p')
  [ "${#map_keys[@]}" -gt 0 ] || problems+=("found no templatefile(...) map in user_data.tf")
  for name in "${!template_keys[@]}"; do
    if ! [[ $name =~ ^[A-Za-z0-9_]+$ ]]; then
      problems+=("the template interpolates \${$name}: keep it to plain \${name} (bash's own \${...} is written \$\${...})")
    elif [ -z "${map_keys[$name]:-}" ]; then
      problems+=("the template uses \${$name}, which the templatefile call in user_data.tf does not pass")
    fi
  done
  for name in "${!map_keys[@]}"; do
    [ -n "${template_keys[$name]:-}" ] || problems+=("user_data.tf passes $name to the template, which never uses it")
  done
  if grep -q '%{' "$tf/templates/user_data.sh.tftpl"; then problems+=("the template uses a %{ } directive; keep it to plain \${name}"); fi

  if [ "${#problems[@]}" -gt 0 ]; then
    printf '     %s\n' "${problems[@]}" >&2
    return 1
  fi
}

if check_declarations "$root"; then ok "declarations: variables, outputs, -var/-target/TF_VAR_ in the cloud targets, template keys"; else fail "declarations (above)"; fi

# ---- 2. Formatting --------------------------------------------------------------------------------

if [ -n "$real_tf" ]; then
  if "$real_tf" fmt -check -recursive -diff terraform/; then ok "terraform fmt -check -recursive terraform/"; else fail "terraform fmt: run terraform fmt -recursive terraform/"; fi
fi

# ---- 3 and 4. Validation rules and the rendered user_data ------------------------------------------

# A provider-less copy: the variables with their rules, the user_data locals, the template.
probe="$tmp/probe"
mkdir -p "$probe"
cp terraform/variables.tf terraform/user_data.tf "$probe/"
cp -r terraform/templates "$probe/"
cat >"$probe/probe_outputs.tf" <<'EOF'
output "user_data" {
  value = local.training_user_data
}
EOF

good_vars=(-var aws_region=eu-west-1 -var bucket_name=d2llm-check-bucket -var prefix=d2llm
  -var job_spec_key=d2llm/jobs/stsb.yaml -var job_output_uri=s3://d2llm-check-bucket/d2llm/runs/stsb/
  -var training_instance_type=g6.xlarge -var function_image_ref=sha256:"$(printf '%064d' 0)"
  -var index_uri=s3://d2llm-check-bucket/d2llm/index/)

tf_probe() { "$real_tf" -chdir="$probe" "$@"; }

# Renders the user_data for the given -var arguments into $1.
render() {
  local out="$1"
  shift
  tf_probe apply -no-color -auto-approve -lock=false "$@" >"$tmp/apply.log" 2>&1 || {
    cat "$tmp/apply.log" >&2
    return 1
  }
  tf_probe output -raw user_data >"$out"
}

# Renders without Terraform: plain substitution of the template's ${key}, then $${ -> ${.
render_plain() {
  sed -E -e 's/(^|[^$])\$\{aws_region\}/\1eu-west-1/g' \
    -e 's#(^|[^$])\$\{bundle_uri\}#\1s3://d2llm-check-bucket/d2llm/dist/d2llm-cli.tar.gz#g' \
    -e 's#(^|[^$])\$\{job_spec_uri\}#\1s3://d2llm-check-bucket/d2llm/jobs/stsb.yaml#g' \
    -e 's#(^|[^$])\$\{log_uri\}#\1s3://d2llm-check-bucket/d2llm/runs/stsb/logs/#g' \
    -e 's/(^|[^$])\$\{java_package\}/\1openjdk-21-jdk-headless/g' \
    -e 's#(^|[^$])\$\{python\}#\1/opt/pytorch/bin/python#g' \
    -e 's#(^|[^$])\$\{jni_uri\}#\1s3://d2llm-check-bucket/d2llm/jni/#g' \
    -e 's/(^|[^$])\$\{max_minutes\}/\11440/g' terraform/templates/user_data.sh.tftpl >"$1.keys"
  if grep -nE '(^|[^$])\$\{' "$1.keys" >&2; then
    echo "     render_plain: the template has keys this fallback does not know (above)" >&2
    return 1
  fi
  sed -e 's/\$\$[{]/${/g' "$1.keys" >"$1"
}

mkdir -p "$tmp/rendered"
rendered="$tmp/rendered/user_data.sh"
to_shellcheck=() # rendered scripts, shellchecked with the repository's own in section 6
if [ -n "$real_tf" ]; then
  if tf_probe init -no-color -backend=false >"$tmp/init.log" 2>&1; then
    ok "terraform init of a provider-less copy (variables.tf, user_data.tf, templates/)"
  else
    cat "$tmp/init.log" >&2
    fail "terraform init of the provider-less copy"
  fi

  if render "$rendered" "${good_vars[@]}"; then ok "good values pass every validation rule; user_data rendered by terraform"; else fail "good values were refused"; fi

  # Each bad value must be refused with its rule's message. A case is: the variables it sets or
  # whose rules it leans on | the message | its -var assignments. Cases that share no variable go
  # into one plan (Terraform reports every failing rule at once), which keeps this to a few plans.
  cases=(
    'aws_region|aws_region must look like|aws_region=mars'
    'bucket_name|bucket_name must follow S3|bucket_name=Bad_Bucket'
    'bucket_name|bucket_name must follow S3|bucket_name=my.dotted.bucket'
    'bucket_name|bucket_name must follow S3|bucket_name=xn--bucket'
    'prefix|prefix must be one or more path segments|prefix=/leading/slash/'
    'training_instance_type|training_instance_type must be an x86_64 NVIDIA GPU|training_instance_type=t3.large'
    'training_instance_type|training_instance_type must be an x86_64 NVIDIA GPU|training_instance_type=p3.2xlarge'
    'training_instance_type|training_instance_type must be an x86_64 NVIDIA GPU|training_instance_type=g5g.xlarge'
    'job_spec_key,prefix|job_spec_key must be empty or the key|job_spec_key=elsewhere/job.yaml'
    'job_spec_key,prefix|job_spec_key must be empty or the key|job_spec_key=d2llm/jobs/job.json'
    'job_output_uri,bucket_name,prefix|job_output_uri must be empty or an s3:// location|job_output_uri=s3://other-bucket/d2llm/runs/x/'
    'job_output_uri,bucket_name,prefix|job_output_uri must be empty or an s3:// location|job_output_uri=s3://d2llm-check-bucket/d2llm/runs/x'
    'index_uri,bucket_name,prefix|index_uri must be empty or an s3:// location|index_uri=s3://d2llm-check-bucket/other/index/'
    'function_memory_mb|function_memory_mb must be a whole number of MB|function_memory_mb=64'
    'function_memory_mb|function_memory_mb must be a whole number of MB|function_memory_mb=20480'
    'function_ephemeral_storage_mb|function_ephemeral_storage_mb must be a whole number of MB|function_ephemeral_storage_mb=256'
    'function_timeout_s|function_timeout_s must be a whole number of seconds|function_timeout_s=901'
    'function_url_auth_type|function_url_auth_type must be AWS_IAM or NONE|function_url_auth_type=PUBLIC'
    'function_url_auth_type,function_api_key|A public function URL (function_url_auth_type = NONE) needs function_api_key|function_url_auth_type=NONE'
    'function_url_auth_type,function_api_key|A public function URL (function_url_auth_type = NONE) needs function_api_key|function_url_auth_type=NONE|function_api_key=short'
    'function_image_ref|function_image_ref must be empty, an image digest|function_image_ref=sha256:abc'
    'function_environment|function_environment names must start with a letter|function_environment={AWS_REGION="x"}'
    'function_environment|function_environment names must start with a letter|function_environment={D2LLM_INDEX_URI="s3://x/"}'
    'training_root_volume_gb|training_root_volume_gb must be a whole number from 100|training_root_volume_gb=20'
    'training_java_package|training_java_package must be an Ubuntu OpenJDK package|training_java_package=openjdk-17-jdk-headless'
    'training_python|training_python must be an absolute path|training_python=python3'
    'function_log_retention_days|function_log_retention_days must be one of|function_log_retention_days=10'
  )
  round_touch=()
  round_cases=()
  for i in "${!cases[@]}"; do
    touch="${cases[$i]%%|*}"
    placed=
    for r in "${!round_touch[@]}"; do
      clash=
      for t in ${touch//,/ }; do
        if [[ ${round_touch[$r]} == *",$t,"* ]]; then clash=1; fi
      done
      if [ -z "$clash" ]; then
        round_touch[r]+="$touch,"
        round_cases[r]+=" $i"
        placed=1
        break
      fi
    done
    if [ -z "$placed" ]; then
      round_touch+=(",$touch,")
      round_cases+=("$i")
    fi
  done
  for r in "${!round_cases[@]}"; do
    args=(-var aws_region=eu-west-1 -var bucket_name=d2llm-check-bucket)
    for i in ${round_cases[$r]}; do
      IFS='|' read -r -a parts <<<"${cases[$i]}"
      for a in "${parts[@]:2}"; do args+=(-var "$a"); done
    done
    if tf_probe plan -no-color -lock=false "${args[@]}" >"$tmp/plan.log" 2>&1; then
      fail "validation accepted every one of: ${args[*]}"
      continue
    fi
    tr -s ' \n│' ' ' <"$tmp/plan.log" >"$tmp/plan.flat"
    for i in ${round_cases[$r]}; do
      IFS='|' read -r -a parts <<<"${cases[$i]}"
      if grep -qF "${parts[1]}" "$tmp/plan.flat"; then
        ok "refused: ${parts[*]:2} (${parts[1]})"
      else
        cat "$tmp/plan.log" >&2
        fail "validation did not refuse ${parts[*]:2} with \"${parts[1]}\""
      fi
    done
  done
else
  render_plain "$rendered" || fail "plain rendering of the template"
fi

if [ -s "$rendered" ]; then
  size="$(wc -c <"$rendered")"
  if [ "$size" -lt 16384 ]; then ok "user_data is $size bytes (EC2 takes at most 16384)"; else fail "user_data is $size bytes; EC2 takes at most 16384"; fi
  if grep -qF "readonly job_spec_uri='s3://d2llm-check-bucket/d2llm/jobs/stsb.yaml'" "$rendered" &&
    grep -qF "readonly log_uri='s3://d2llm-check-bucket/d2llm/runs/stsb/logs/'" "$rendered" &&
    grep -qF "export HOME=\"\${HOME:-/root}\"" "$rendered"; then
    ok "user_data carries the job's URIs, and bash's own \${...} survived rendering"
  else
    fail "user_data lacks the expected job_spec_uri, log_uri or HOME lines"
  fi
  to_shellcheck+=("$rendered")
fi

# ---- 4b. The boot script itself, run against stubs ------------------------------------------------

# apt-get, aws, curl, nvidia-smi, shutdown, sync and the AMI's python are stubs that record their calls;
# the bundle holds a fake launcher that records its arguments and environment and fails when told to,
# and a fake gpu/build-jni.sh. The script must build DJL's JNI library into the AMI's torch/lib when the
# bucket has none for that PyTorch and keep it there (or fetch it when the bucket has it), run validate
# then run --device gpu with that libtorch, and upload its log and power off whether the job succeeds or not.
boot="$tmp/boot"
mkdir -p "$boot/stubs" "$boot/bundle/gpu" "$boot/bundle/scripts" "$boot/bundle/djl" "$boot/torch/lib"
for cmd in apt-get nvidia-smi shutdown sync; do
  # shellcheck disable=SC2016 # the stub's own text
  printf '#!/usr/bin/env bash\necho "%s $*" >>"$BOOT_CALLS"\n' "$cmd" >"$boot/stubs/$cmd"
done
cat >"$boot/stubs/aws" <<'EOF'
#!/usr/bin/env bash
echo "aws $*" >>"$BOOT_CALLS"
if [ "$1 $2" = "s3 cp" ] && [[ $3 == s3://*/jni/* ]]; then
  [ -n "${BOOT_JNI_IN_BUCKET:-}" ] || exit 1
  echo "jni from the bucket" >"$4"
elif [ "$1 $2" = "s3 cp" ] && [[ $3 == s3://* ]]; then cp "$BOOT_BUNDLE" "$4"; fi
EOF
cat >"$boot/stubs/python" <<'EOF'
#!/usr/bin/env bash
echo "$BOOT_TORCH 2.11.0+cu130 13.0"
EOF
cat >"$boot/stubs/curl" <<'EOF'
#!/usr/bin/env bash
echo "curl $*" >>"$BOOT_CALLS"
url= out=
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2" ;;
    http*) url="$1" ;;
  esac
  shift
done
case "$url" in
  */api/token) echo token ;;
  */instance-id) echo i-0123456789abcdef0 ;;
  *) exit 22 ;;
esac
EOF
cat >"$boot/bundle/d2llm" <<'EOF'
#!/usr/bin/env bash
echo "d2llm $* PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH PYTORCH_VERSION=$PYTORCH_VERSION PYTORCH_FLAVOR=$PYTORCH_FLAVOR AWS_REGION=$AWS_REGION" >>"$BOOT_CALLS"
if [ "$1 $2" = "job run" ]; then exit "${FAKE_JOB_STATUS:-0}"; fi
EOF
cat >"$boot/bundle/gpu/build-jni.sh" <<'EOF'
#!/usr/bin/env bash
echo "build-jni $*" >>"$BOOT_CALLS"
echo "jni built here" >"$4"
EOF
printf '#!/usr/bin/env bash\necho /fake/jdk\n' >"$boot/bundle/scripts/find-jdk"
echo "the bfloat16 patch" >"$boot/bundle/gpu/djl-0.36.0-bfloat16.patch"
chmod +x "$boot/stubs"/* "$boot/bundle/d2llm" "$boot/bundle/gpu/build-jni.sh" "$boot/bundle/scripts/find-jdk"
tar -czf "$boot/bundle.tar.gz" -C "$boot/bundle" d2llm gpu scripts djl

# run_boot STATUS [JNI_IN_BUCKET]: runs the rendered script with the fake job ending in STATUS, the
# bucket holding a JNI library for the AMI's PyTorch when JNI_IN_BUCKET is set; returns the script's.
run_boot() {
  rm -rf "$boot/work" "$boot/calls" "$boot/log" "$boot/torch/lib/libdjl_torch.so"
  env PATH="$boot/stubs:$PATH" BOOT_CALLS="$boot/calls" BOOT_BUNDLE="$boot/bundle.tar.gz" FAKE_JOB_STATUS="$1" \
    BOOT_JNI_IN_BUCKET="${2:-}" BOOT_TORCH="$boot/torch" D2LLM_BOOT_PYTHON="$boot/stubs/python" \
    D2LLM_BOOT_LOG="$boot/log" D2LLM_BOOT_DIR="$boot/work" HOME="$boot" bash "$rendered" >"$boot/out" 2>&1
}
if [ -s "$rendered" ]; then
  lib="$boot/torch/lib"
  jni_key="2.11.0+cu130-$(cksum <"$boot/bundle/gpu/djl-0.36.0-bfloat16.patch" | cut -d' ' -f1)"
  if run_boot 0; then ok "boot script: a good job ends with status 0"; else
    cat "$boot/out" >&2
    fail "boot script: failed with a good job"
  fi
  if [ "$(cat "$lib/libdjl_torch.so" 2>&1)" = "jni built here" ] &&
    grep -qxF "build-jni $boot/work/djl $boot/torch /fake/jdk $lib/libdjl_torch.so" "$boot/calls" &&
    grep -qxF "aws s3 cp $lib/libdjl_torch.so s3://d2llm-check-bucket/d2llm/jni/$jni_key/libdjl_torch.so --only-show-errors" "$boot/calls"; then
    ok "boot script: built DJL's JNI library against the AMI's PyTorch into its torch/lib and kept it in the bucket"
  else
    cat "$boot/calls" >&2
    fail "boot script: the JNI library was not built into torch/lib and uploaded"
  fi
  expected=(
    "shutdown -h +1440 d2llm-job: time limit of 1440 minutes reached"
    "apt-get -o DPkg::Lock::Timeout=900 -y -q install --no-install-recommends openjdk-21-jdk-headless"
    "aws s3 cp s3://d2llm-check-bucket/d2llm/dist/d2llm-cli.tar.gz $boot/work/d2llm-cli.tar.gz --only-show-errors"
    "d2llm job validate s3://d2llm-check-bucket/d2llm/jobs/stsb.yaml PYTORCH_LIBRARY_PATH=$lib PYTORCH_VERSION=2.11.0 PYTORCH_FLAVOR=cu130 AWS_REGION=eu-west-1"
    "d2llm job run --device gpu s3://d2llm-check-bucket/d2llm/jobs/stsb.yaml PYTORCH_LIBRARY_PATH=$lib PYTORCH_VERSION=2.11.0 PYTORCH_FLAVOR=cu130 AWS_REGION=eu-west-1"
    "aws s3 cp $boot/log s3://d2llm-check-bucket/d2llm/runs/stsb/logs/instance-i-0123456789abcdef0.log --only-show-errors"
    "shutdown -h now"
  )
  missing=()
  for e in "${expected[@]}"; do grep -qxF "$e" "$boot/calls" || missing+=("$e"); done
  if [ "$(tail -n 1 "$boot/calls")" != "shutdown -h now" ]; then missing+=("shutdown -h now as the very last call"); fi
  if [ "${#missing[@]}" -eq 0 ] && grep -q 'd2llm-job: the job finished' "$boot/log"; then
    ok "boot script: watchdog, JDK, bundle, validate then run --device gpu with the AMI's libtorch, log upload, power-off"
  else
    printf '     missing call: %s\n' "${missing[@]}" >&2
    cat "$boot/calls" >&2
    fail "boot script: its calls or its log differ from what is expected"
  fi
  if run_boot 0 1 && [ "$(cat "$lib/libdjl_torch.so" 2>&1)" = "jni from the bucket" ] && ! grep -q '^build-jni' "$boot/calls"; then
    ok "boot script: a JNI library the bucket holds for that PyTorch is fetched, not rebuilt"
  else
    cat "$boot/out" "$boot/calls" >&2
    fail "boot script: did not take the bucket's JNI library"
  fi
  if run_boot 3; then fail "boot script: ended with status 0 although the job failed"; else
    if grep -qxF "aws s3 cp $boot/log s3://d2llm-check-bucket/d2llm/runs/stsb/logs/instance-i-0123456789abcdef0.log --only-show-errors" "$boot/calls" &&
      [ "$(tail -n 1 "$boot/calls")" = "shutdown -h now" ] && grep -q 'd2llm-job: exit status 3' "$boot/log"; then
      ok "boot script: a failing job still uploads the log (with its status) and powers off"
    else
      cat "$boot/calls" "$boot/log" >&2
      fail "boot script: a failing job did not upload its log and power off"
    fi
  fi
fi

# ---- 5. The cloud targets against stubs --------------------------------------------------------------

stubs="$tmp/stubs"
calls="$tmp/calls.log"
mkdir -p "$stubs" "$tmp/tfdir/.terraform" "$tmp/jobs"
: >"$calls"
digest="sha256:$(printf '%064d' 7)"
cat >"$stubs/terraform" <<EOF
#!/usr/bin/env bash
# Stub: records the call; answers output -raw with what a real state would hold after the applies.
{ printf 'terraform TF_VAR_function_api_key=%s ' "\${TF_VAR_function_api_key:+set}"; printf '%q ' "\$@"; echo; } >>"$calls"
if [ "\${2:-}" = output ]; then
  case "\${4:-}" in
    ecr_repository_url) echo 123456789012.dkr.ecr.eu-west-1.amazonaws.com/d2llm-function ;;
    ecr_repository_name) echo d2llm-function ;;
    training_instance_id) echo i-0123456789abcdef0 ;;
    function_url) echo https://abc.lambda-url.eu-west-1.on.aws/ ;;
    function_url_auth_type) echo AWS_IAM ;;
    function_invoker_policy_arn) echo arn:aws:iam::123456789012:policy/d2llm-search-invoker ;;
    *) exit 1 ;;
  esac
fi
EOF
cat >"$stubs/aws" <<EOF
#!/usr/bin/env bash
{ printf 'aws '; printf '%q ' "\$@"; echo; } >>"$calls"
case "\$1 \$2" in
  "ec2 describe-instances") echo terminated ;;
  "ecr get-login-password") echo not-a-password ;;
  "ecr describe-images") echo $digest ;;
esac
EOF
cat >"$stubs/docker" <<EOF
#!/usr/bin/env bash
{ printf 'docker '; printf '%q ' "\$@"; echo; } >>"$calls"
if [ "\$1" = login ]; then cat >/dev/null; fi
EOF
chmod +x "$stubs"/*
printf 'name: stsb\noutput: "s3://d2llm-check-bucket/d2llm/runs/stsb/"  # where everything goes\n' >"$tmp/jobs/stsb.yaml"
echo not-a-bundle >"$tmp/bundle.tar.gz"

# cloud_make [VAR=value ...] -- [make arguments]: the Makefile with stubbed aws, docker and terraform.
java_home="$(scripts/find-jdk 2>/dev/null || true)" # once, not in every make below
cloud_make() {
  local envs=()
  while [ "$1" != -- ]; do
    envs+=("$1")
    shift
  done
  shift
  env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u D2LLM_AUTH_API_KEY \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null PATH="$stubs:$PATH" BUNDLE="$tmp/bundle.tar.gz" \
    ${java_home:+JAVA_HOME="$java_home"} "${envs[@]}" \
    make -s --no-print-directory -o build -o cloud-bundle TF_DIR="$tmp/tfdir" BUCKET=d2llm-check-bucket \
    AWS_REGION=eu-west-1 PREFIX=d2llm VALIDATE=0 TF_APPLY_FLAGS=-auto-approve FUNCTION_BUILD=true "$@"
}

run_target() {
  local label="$1"
  shift
  if cloud_make "$@" >"$tmp/make.log" 2>&1; then
    ok "$label ran against stubs"
  else
    cat "$tmp/make.log" >&2
    fail "$label against stubs"
  fi
}
run_target "make cloud-train JOB=stsb.yaml" -- cloud-train JOB="$tmp/jobs/stsb.yaml"
run_target "make cloud-deploy" -- cloud-deploy
run_target "make cloud-deploy FUNCTION_URL_AUTH=NONE" D2LLM_AUTH_API_KEY=0123456789abcdef0123 -- cloud-deploy FUNCTION_URL_AUTH=NONE
run_target "make cloud-destroy FORCE=true" -- cloud-destroy FORCE=true
grep -q . "$calls" || fail "the cloud targets made no calls at all"

expect_call() {
  if grep -qF -- "$2" "$calls"; then ok "$1"; else fail "$1: no call with: $2"; fi
}
expect_call "cloud-train uploads the bundle" "aws s3 cp $tmp/bundle.tar.gz s3://d2llm-check-bucket/d2llm/dist/d2llm-cli.tar.gz"
expect_call "cloud-train uploads the spec" "aws s3 cp $tmp/jobs/stsb.yaml s3://d2llm-check-bucket/d2llm/jobs/stsb.yaml"
expect_call "cloud-train applies the instance with the spec's key" "-var job_spec_key=d2llm/jobs/stsb.yaml -var job_output_uri=s3://d2llm-check-bucket/d2llm/runs/stsb/ -target=aws_instance.training"
expect_call "cloud-deploy pushes the image" "docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/d2llm-function:"
expect_call "cloud-deploy deploys the pushed digest" "-var function_image_ref=$digest -var index_uri=s3://d2llm-check-bucket/d2llm/index/"
expect_call "cloud-deploy with NONE passes the key in the environment only" "terraform TF_VAR_function_api_key=set -chdir=$tmp/tfdir apply -auto-approve -var aws_region=eu-west-1 -var bucket_name=d2llm-check-bucket -var prefix=d2llm -var function_url_auth_type=NONE"
expect_call "cloud-destroy FORCE=true destroys" "destroy -auto-approve -var aws_region=eu-west-1 -var bucket_name=d2llm-check-bucket -var prefix=d2llm -var force_destroy=true"
if grep -q '0123456789abcdef0123' "$calls"; then fail "the API key appeared on a command line"; else ok "the API key never appears on a command line"; fi

# ---- 5b. What a targeted apply creates ----------------------------------------------------------------

# scripts/cloud.sh applies with -target, and Terraform then creates the targets and what they depend
# on, nothing else: a resource that nothing targeted refers to (an egress rule, a permission) would
# silently be left out. check_cover DIR "TARGETS" FILE...: every resource in FILE... must be reachable
# from TARGETS through references (resources, data sources, locals, depends_on) in DIR/*.tf.
check_cover() {
  local dir="$1" targets="$2" from to name missing=()
  shift 2
  local -A edges=() reached=()
  while read -r from to; do
    edges[$from]+=" $to"
  done < <(awk '
    function flush(   n, i, parts, seg, ref) {
      if (node != "") {
        n = split(body, parts, /[^A-Za-z0-9_.]+/)
        for (i = 1; i <= n; i++) {
          if (parts[i] ~ /^(data\.)?aws_[a-z0-9_]+\.[a-z0-9_]+/ || parts[i] ~ /^local\.[a-z0-9_]+/) {
            split(parts[i], seg, ".")
            ref = seg[1] == "data" ? seg[1] "." seg[2] "." seg[3] : seg[1] "." seg[2]
            print node, ref
          }
        }
      }
      node = ""; body = ""
    }
    { sub(/#.*/, "") }
    /^resource "/ { flush(); t = $2; n = $3; gsub(/"/, "", t); gsub(/"/, "", n); node = t "." n; inlocals = 0; next }
    /^data "/ { flush(); t = $2; n = $3; gsub(/"/, "", t); gsub(/"/, "", n); node = "data." t "." n; inlocals = 0; next }
    /^locals \{/ { flush(); inlocals = 1; next }
    inlocals && /^  [a-z0-9_]+ +=/ { flush(); node = "local." $1; body = $0; sub(/^[^=]*=/, "", body); next }
    /^}/ { flush(); inlocals = 0; next }
    node != "" { body = body " " $0 }
    END { flush() }' "$dir"/*.tf)
  local queue
  read -r -a queue <<<"$targets"
  while [ "${#queue[@]}" -gt 0 ]; do
    name="${queue[0]}"
    queue=("${queue[@]:1}")
    [ -z "${reached[$name]:-}" ] || continue
    reached[$name]=1
    for to in ${edges[$name]:-}; do queue+=("$to"); done
  done
  while read -r name; do
    [ -n "${reached[$name]:-}" ] || missing+=("$name")
  done < <(sed -n -E 's/^resource "([^"]+)" "([^"]+)".*/\1.\2/p' "$@")
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "     not created by a targeted apply of$targets: ${missing[*]}" >&2
    return 1
  fi
}

# The targets each cloud target really passed (the stub recorded them).
targets_of() { grep -E "$1" "$calls" | grep -oE -- '-target=[a-z0-9_.]+' | sed 's/^-target=//' | sort -u | tr '\n' ' ' | sed 's/^/ /'; }
train_targets="$(targets_of '^terraform .* apply .*-var job_spec_key=')"
storage_only_targets="$(targets_of '^terraform .* apply .*-target=aws_s3_bucket_policy.artifacts' | head -n 1)"
function_targets="$(targets_of '^terraform .* apply .*-var function_image_ref=')"
for part in "train:$train_targets:terraform/training.tf terraform/iam.tf terraform/storage.tf" \
  "deploy:$function_targets:terraform/function.tf terraform/storage.tf"; do
  IFS=: read -r label targets files <<<"$part"
  # shellcheck disable=SC2086 # files: several paths
  if [ -z "${targets// /}" ]; then
    fail "found no -target in the recorded $label apply"
  elif check_cover terraform "$targets" $files; then
    ok "a targeted apply of make cloud-$label creates every resource of $files"
  else
    fail "make cloud-$label: a targeted apply leaves resources out (above)"
  fi
done
[ -n "${storage_only_targets// /}" ] || fail "found no storage-only apply in make cloud-train"

# Self-test: without its depends_on, the instance would boot with no way out, and the check says so.
rm -rf "$tmp/uncovered"
cp -r terraform "$tmp/uncovered"
sed -i '/^    aws_vpc_security_group_egress_rule.training_ipv4,$/d' "$tmp/uncovered/training.tf"
if check_cover "$tmp/uncovered" "$train_targets" "$tmp/uncovered/training.tf" 2>"$tmp/cover.log"; then
  fail "self-test: the targeted-apply check missed an egress rule nothing targeted depends on"
elif grep -qF aws_vpc_security_group_egress_rule.training_ipv4 "$tmp/cover.log"; then
  ok "self-test: the targeted-apply check catches a resource the targets do not reach"
else
  cat "$tmp/cover.log" >&2
  fail "self-test: the targeted-apply check failed without naming the egress rule"
fi

# Replay every plan-changing Terraform call's variables against the real rules.
if [ -n "$real_tf" ]; then
  declare -A replayed=()
  while IFS= read -r line; do
    eval "set -- ${line#terraform }"
    key_env="${1#TF_VAR_function_api_key=}"
    shift
    case " $* " in *" apply "* | *" destroy "*) ;; *) continue ;; esac
    vars=()
    while [ $# -gt 0 ]; do
      if [ "$1" = -var ]; then vars+=(-var "$2"); shift; fi
      shift
    done
    [ -z "${replayed["$key_env ${vars[*]}"]:-}" ] || continue
    replayed["$key_env ${vars[*]}"]=1
    if [ "$key_env" = set ]; then export TF_VAR_function_api_key=0123456789abcdef0123; else unset TF_VAR_function_api_key; fi
    if [[ " ${vars[*]} " == *" job_spec_key="* ]]; then
      replay() { render "$tmp/rendered/cloud-train-user_data.sh" "$@"; }
    else
      replay() { tf_probe plan -no-color -lock=false "$@" >"$tmp/plan.log" 2>&1 || { cat "$tmp/plan.log" >&2 && false; }; }
    fi
    if replay "${vars[@]}"; then
      ok "replayed against the rules: ${vars[*]}${TF_VAR_function_api_key:+ (and TF_VAR_function_api_key)}"
    else
      fail "the cloud targets pass values the rules refuse: ${vars[*]}"
    fi
  done < <(grep '^terraform ' "$calls")
  unset TF_VAR_function_api_key
  [ "${#replayed[@]}" -ge 6 ] || fail "replayed only ${#replayed[@]} distinct Terraform calls of the cloud targets; expected 6"
  if grep -qF "readonly job_spec_uri='s3://d2llm-check-bucket/d2llm/jobs/stsb.yaml'" "$tmp/rendered/cloud-train-user_data.sh" &&
    grep -qF "readonly log_uri='s3://d2llm-check-bucket/d2llm/runs/stsb/logs/'" "$tmp/rendered/cloud-train-user_data.sh"; then
    ok "the user_data of make cloud-train runs the uploaded spec and logs under the spec's output"
    to_shellcheck+=("$tmp/rendered/cloud-train-user_data.sh")
  else
    fail "the user_data of make cloud-train lacks the spec's URI or its output's logs/"
  fi
fi

# ---- 5c. The launchers' MKL preload on AMD processors ---------------------------------------------------

# scripts/lib/mkl-amd.sh must build and preload a library exporting mkl_serv_intel_cpu_true on an AMD
# processor, and leave LD_PRELOAD alone on an Intel one or when D2LLM_MKL_AMD=0.
if command -v cc >/dev/null 2>&1; then
  mkl="$tmp/mkl"
  mkdir -p "$mkl"
  echo "vendor_id	: AuthenticAMD" >"$mkl/amd"
  echo "vendor_id	: GenuineIntel" >"$mkl/intel"
  # mkl_preload CPUINFO [D2LLM_MKL_AMD]: the LD_PRELOAD the launchers would set
  mkl_preload() {
    (
      export HOME="$mkl/home" D2LLM_CPUINFO="$1" D2LLM_MKL_AMD="${2:-1}"
      unset LD_PRELOAD XDG_CACHE_HOME
      # shellcheck source=scripts/lib/mkl-amd.sh
      . scripts/lib/mkl-amd.sh
      mkl_amd_preload "$root"
      echo "${LD_PRELOAD:-}"
    )
  }
  preload="$(mkl_preload "$mkl/amd")"
  if [[ $preload == "$mkl/home/.cache/d2llm/native/"*.so ]] && [ -f "$preload" ] &&
    nm -D "$preload" | grep -q ' T mkl_serv_intel_cpu_true$'; then
    ok "mkl-amd.sh: on AMD the launchers preload a built library answering mkl_serv_intel_cpu_true"
  else
    fail "mkl-amd.sh: on AMD LD_PRELOAD is '$preload', not a built library exporting mkl_serv_intel_cpu_true"
  fi
  if [ -z "$(mkl_preload "$mkl/intel")" ] && [ -z "$(mkl_preload "$mkl/amd" 0)" ]; then
    ok "mkl-amd.sh: nothing is preloaded on Intel or with D2LLM_MKL_AMD=0"
  else
    fail "mkl-amd.sh: preloaded something on Intel or with D2LLM_MKL_AMD=0"
  fi
else
  echo "skip mkl-amd.sh checks: no C compiler"
fi

# ---- 5d. The CLI launcher's allocator settings -------------------------------------------------------------

# scripts/lib/malloc-heap.sh must set glibc's three tunables, keep values the caller set, and set nothing
# with D2LLM_MALLOC_HEAP=0.
# heap_env [D2LLM_MALLOC_HEAP] [MALLOC_MMAP_THRESHOLD_]: the settings the launcher would export
heap_env() {
  (
    unset MALLOC_MMAP_THRESHOLD_ MALLOC_TRIM_THRESHOLD_ MALLOC_TOP_PAD_
    export D2LLM_MALLOC_HEAP="${1:-1}"
    [ -z "${2:-}" ] || export MALLOC_MMAP_THRESHOLD_="$2"
    # shellcheck source=scripts/lib/malloc-heap.sh
    . scripts/lib/malloc-heap.sh
    malloc_heap_tuning
    echo "${MALLOC_MMAP_THRESHOLD_:-} ${MALLOC_TRIM_THRESHOLD_:-} ${MALLOC_TOP_PAD_:-}"
  )
}
if [ "$(heap_env)" = "33554432 4294967296 268435456" ] && [ "$(heap_env 1 65536)" = "65536 4294967296 268435456" ] &&
  [ "$(heap_env 0)" = "  " ]; then
  ok "malloc-heap.sh: glibc's mmap, trim and top-pad settings set, the caller's kept, none with D2LLM_MALLOC_HEAP=0"
else
  fail "malloc-heap.sh: got '$(heap_env)', '$(heap_env 1 65536)', '$(heap_env 0)'"
fi
if grep -q '^malloc_heap_tuning$' d2llm; then
  ok "d2llm: the launcher applies malloc-heap.sh"
else
  fail "d2llm: the launcher does not call malloc_heap_tuning"
fi

# ---- 6. The repository's shell scripts ----------------------------------------------------------------

scripts=(d2llm .ci/run scripts/find-jdk scripts/tools/shellcheck)
while IFS= read -r f; do scripts+=("$f"); done < <(ls scripts/*.sh scripts/lib/*.sh gpu/*.sh)
if "$shellcheck" "${scripts[@]}" "${to_shellcheck[@]}"; then
  ok "shellcheck: ${scripts[*]} ${to_shellcheck[*]#"$tmp/"}"
else
  fail "shellcheck (above; rendered/ files come from terraform/templates/user_data.sh.tftpl)"
fi

# ---- 7. The checks fail when they should ------------------------------------------------------------

# A broken copy per mistake; check_declarations must refuse each, naming it.
broken() {
  local label="$1" expect="$2" file="$3" sed_expr="$4" copy="$tmp/broken"
  rm -rf "$copy"
  mkdir -p "$copy/scripts"
  cp -r terraform "$copy/"
  cp Makefile "$copy/"
  cp scripts/cloud.sh "$copy/scripts/"
  sed -i -E "$sed_expr" "$copy/$file"
  if cmp -s "$copy/$file" "$file"; then
    fail "self-test \"$label\": the edit changed nothing in $file"
  elif check_declarations "$copy" 2>"$tmp/broken.log"; then
    fail "self-test: check_declarations passed $label"
  elif ! grep -qF "$expect" "$tmp/broken.log"; then
    cat "$tmp/broken.log" >&2
    fail "self-test: check_declarations refused $label but did not say \"$expect\""
  else
    ok "self-test: declarations check catches $label"
  fi
}
broken "an undeclared -var in scripts/cloud.sh" "pass variable no_such_variable" scripts/cloud.sh 's/-var "force_destroy=true"/-var "no_such_variable=true"/'
broken "an undeclared -var in the Makefile" "pass variable made_up" Makefile 's/^(cloud-destroy:)$/\1\n\tterraform apply -var made_up=1/'
broken "an undeclared TF_VAR_" "pass variable function_key" scripts/cloud.sh 's/TF_VAR_function_api_key=/TF_VAR_function_key=/'
broken "a variable without description" "variable prefix has no description" terraform/variables.tf '/^variable "prefix"/,/^}/{/^  description/d}'
broken "a variable without type" "variable force_destroy has no type" terraform/variables.tf '/^variable "force_destroy"/,/^}/{/^  type/d}'
broken "an output without description" "output bundle_uri has no description" terraform/outputs.tf '/^output "bundle_uri"/,/^}/{/^  description/d}'
broken "an undeclared var.X" "var.no_such_thing is used but not declared" terraform/training.tf 's/var\.training_instance_type$/var.no_such_thing/'
broken "an unused variable" "variable ecr_keep_images is declared but used nowhere" terraform/function.tf 's/var\.ecr_keep_images/10/g'
broken "an undeclared name in terraform.tfvars.example" "sets instance_kind" terraform/terraform.tfvars.example 's/^# training_instance_type /# instance_kind /'
broken "a -target at no resource" "target aws_instance.trainer" scripts/cloud.sh 's/-target=aws_instance\.training/-target=aws_instance.trainer/'
broken "a missing output" "reads output function_url, which outputs.tf" terraform/outputs.tf 's/^output "function_url"/output "function_endpoint"/'
broken "a template key the call does not pass" "uses \${job_uri}" terraform/templates/user_data.sh.tftpl "s/'\\$\\{job_spec_uri\\}'/'\${job_uri}'/"
broken "a key the template never uses" "passes max_minutes to the template, which never uses it" terraform/templates/user_data.sh.tftpl "s/'\\$\\{max_minutes\\}'/'1440'/"
# shellcheck disable=SC2016 # a sed expression, not a shell one
broken "bash's \${...} left unescaped" "interpolates \${HOME:-/root}" terraform/templates/user_data.sh.tftpl 's/\$\$\{HOME:-\/root\}/${HOME:-\/root}/'

if [ -n "$real_tf" ]; then
  mkdir -p "$tmp/badfmt"
  printf 'variable "x" {\ntype=string\n  description = "x"\n}\n' >"$tmp/badfmt/x.tf"
  if "$real_tf" fmt -check -recursive "$tmp/badfmt" >/dev/null 2>&1; then fail "self-test: terraform fmt -check passed a badly formatted file"; else ok "self-test: terraform fmt -check catches bad formatting"; fi
fi
# shellcheck disable=SC2016 # the bad script's text, on purpose
printf '#!/bin/bash\nfiles=$(ls *.txt)\nrm $files\n' >"$tmp/bad.sh"
if "$shellcheck" "$tmp/bad.sh" >/dev/null 2>&1; then fail "self-test: shellcheck passed an unquoted expansion"; else ok "self-test: shellcheck catches an unquoted expansion"; fi

echo
if [ "$failures" -gt 0 ]; then
  echo "terraform-check: $failures check(s) FAILED" >&2
  exit 1
fi
echo "terraform-check: all checks passed"
