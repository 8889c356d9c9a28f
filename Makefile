# d2llm: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
JAVA_HOME := $(shell scripts/find-jdk)
export JAVA_HOME
MVN := ./mvnw -B -ntp -Dstyle.color=never
MODELS ?= $(HOME)/.cache/d2llm/models
DATA ?= ../shared/data

.PHONY: build test run embed-demo clean demo-model verify-encoders bench-embed fmt fmt-check experiment default-student \
  job-demo function-aot terraform-check cloud-bundle cloud-train cloud-deploy cloud-destroy native native-sources lambda gpu-bundle

## build: compile and package everything, no tests
build:
	$(MVN) -DskipTests install

## test: the Java formatting check, the whole test suite (unit, parity, HTTP), the function's HTTP tests again
## through its AWS Lambda binding, then the offline checks of terraform/ and the shell scripts
test: fmt-check
	$(MVN) install
	$(MVN) -pl function -Plambda test
	scripts/test-terraform.sh

## fmt: format every Java source with google-java-format (Spotless); fmt-check: fail on any unformatted file
fmt:
	$(MVN) spotless:apply
fmt-check:
	$(MVN) spotless:check

## run: the search function on port 8080 with the shipped student and a demo index; prints a curl to try
run: build
	scripts/run-function.sh

## function-aot: the function packaged for a JDK AOT cache (function/target/aot-app/) and the cache itself,
## app.aot, from a training run against a small index in S3Mock; start it with -XX:AOTCache (docs/search.md)
function-aot: build
	$(MVN) -pl function -DskipTests package -Dquarkus.package.jar.type=aot-jar -Dquarkus.package.output-directory=aot-app
	scripts/train-aot-cache.sh

## native-sources: Quarkus' native build of the function short of native-image itself: checks the native
## configuration and writes function/target/native-sources/ (no GraalVM needed)
native-sources:
	$(MVN) -pl function -am -Pnative -Dquarkus.native.sources-only=true -Dnative-libs.skip=true -DskipTests package

## native: the function as a native executable, function/target/*-runner, with the libraries it loads from disk in
## function/target/native-libs/. Needs GraalVM or Mandrel for JDK 25 in GRAALVM_HOME, or CONTAINER=1 to build in
## the Mandrel builder image (docker or podman); PROFILES=native,lambda makes the Lambda bootstrap zip as well.
## See docs/native-and-lambda.md for how to run it.
PROFILES ?= native
NATIVE_BUILDER ?= quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25
native:
	$(MVN) -pl function -am -P$(PROFILES) -DskipTests package \
	  $(if $(CONTAINER),-Dquarkus.native.container-build=true -Dquarkus.native.builder-image=$(NATIVE_BUILDER))

## lambda: the function for AWS Lambda on the JVM: function/target/function.zip, plus the libraries and the
## pulled base model (less its ONNX original) that the Lambda container images copy (function/src/main/docker/Dockerfile.lambda*)
lambda: build demo-model
	$(MVN) -pl function -Plambda -DskipTests package
	rm -rf function/target/models && mkdir -p function/target/models
	cp -r $(MODELS)/bge-small-en-v1.5 function/target/models/
	rm -rf function/target/models/bge-small-en-v1.5/onnx

## embed-demo: embed a few sentences with a real pretrained encoder and print their similarities
embed-demo: build demo-model
	./d2llm embed --model $(MODELS)/bge-small-en-v1.5 --similarities \
	  "A man is playing a guitar." "Someone plays an instrument." "The stock market fell sharply today." "Shares dropped at the close."

demo-model:
	@[ -f $(MODELS)/bge-small-en-v1.5/model.safetensors ] || ./d2llm model pull bge-small-en-v1.5 --out $(MODELS)/bge-small-en-v1.5

## verify-encoders: parity of the pulled bge encoders with ONNX Runtime
verify-encoders: build
	@for m in bge-small-en-v1.5 bge-small-zh-v1.5; do \
	  [ -f $(MODELS)/$$m/model.safetensors ] || ./d2llm model pull $$m --out $(MODELS)/$$m; \
	  ./d2llm model verify $(MODELS)/$$m; done

## bench-embed: our encoder against ONNX Runtime on STS-B sentences and en/medquad answers
bench-embed: build demo-model
	./d2llm bench embed --model $(MODELS)/bge-small-en-v1.5 --passages $(DATA)/en/medquad/corpus.jsonl

## job-demo: the tiny pipeline as a job against a local S3 server, killed mid-distill and resumed
job-demo: build
	scripts/job-demo.sh

## experiment: one D2LLM experiment on ../shared/data (NAME=en-stsb|en-sickr|en-sicke|zh-stsb|zh-afqmc|zh-cmnli)
experiment: build
	scripts/experiment.sh $(NAME)

## default-student: retrain the shipped English student (src/main/resources/dev/d2llm/students/default-en):
## residual on bge-small-en-v1.5, symmetric branch distilled on en/sick-r, both branches calibrated
default-student: build
	scripts/default-student.sh

clean:
	$(MVN) clean

## gpu-bundle: what the lent GPU machine needs besides the tracked files (docs/gpu.md), in GPU_BUNDLE_DIR:
## a jlink'd runtime, the CLI without CPU natives, DJL's JNI sources (bfloat16 patch applied) and the
## launcher d2llm, which builds the JNI against the machine's PyTorch; DJL_GIT=<clone> to read DJL from a copy
GPU_BUNDLE_DIR ?= .gpu-bundle
gpu-bundle:
	$(MVN) -pl cli -am -DskipTests package
	gpu/build-bundle.sh '$(GPU_BUNDLE_DIR)'

## terraform-check: offline checks of terraform/, the cloud targets and the shell scripts (fmt, variables, shellcheck)
terraform-check:
	scripts/test-terraform.sh

# ---- Cloud (docs/cloud.md): training jobs on an EC2 GPU instance, the search function on Lambda ----
# Once: terraform -chdir=$(TF_DIR) init (it downloads the hashicorp/aws provider from the registry).
# BUCKET and AWS_REGION are required; instance type, Spot, sizes etc. go in terraform/terraform.tfvars.
TF_DIR ?= terraform
AWS_REGION ?=
BUCKET ?=
PREFIX ?= d2llm
JOB ?=
# The local container image the function's lambda build produces (make lambda, then the JVM Lambda
# Dockerfile; docs/native-and-lambda.md); cloud-deploy pushes it to ECR.
FUNCTION_IMAGE ?= d2llm-function:lambda-jvm
FUNCTION_BUILD ?= $(MAKE) lambda && docker build -f function/src/main/docker/Dockerfile.lambda -t $(FUNCTION_IMAGE) function
FUNCTION_URL_AUTH ?=
INDEX_URI ?=
TF_APPLY_FLAGS ?=
VALIDATE ?= 1
FORCE ?= false
CLOUD := TF_DIR='$(TF_DIR)' BUCKET='$(BUCKET)' PREFIX='$(PREFIX)' AWS_REGION='$(AWS_REGION)' \
  TF_APPLY_FLAGS='$(TF_APPLY_FLAGS)' VALIDATE='$(VALIDATE)' FUNCTION_IMAGE='$(FUNCTION_IMAGE)' \
  FUNCTION_URL_AUTH='$(FUNCTION_URL_AUTH)' INDEX_URI='$(INDEX_URI)' FORCE='$(FORCE)' scripts/cloud.sh

## cloud-bundle: the CLI for the training instance as dist/d2llm-cli.tar.gz (launcher, find-jdk, quarkus-app,
## DJL's JNI sources and gpu/build-jni.sh, which builds them against the AMI's PyTorch: docs/gpu.md)
cloud-bundle: build
	@mkdir -p dist
	gpu/djl-sources.sh dist
	tar -czf dist/d2llm-cli.tar.gz --owner=0 --group=0 d2llm scripts/find-jdk cli/target/quarkus-app \
	  gpu/build-jni.sh gpu/djl-0.36.0-bfloat16.patch -C dist djl
	@ls -lh dist/d2llm-cli.tar.gz

## cloud-train: run JOB=path/to/job.yaml on a GPU instance (BUCKET=..., AWS_REGION=...); outputs land where the spec says
cloud-train: cloud-bundle
	$(CLOUD) train '$(JOB)'

## cloud-deploy: build the function's Lambda image (FUNCTION_BUILD, FUNCTION_IMAGE), push it to ECR, deploy it with a function URL
cloud-deploy:
	$(FUNCTION_BUILD)
	$(CLOUD) deploy

## cloud-destroy: remove everything Terraform made (FORCE=true also deletes the bucket's objects and the images)
cloud-destroy:
	$(CLOUD) destroy
