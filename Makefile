# Tracegrid: `make demo` shows the classifier on bundled real events;
# `make test` runs everything and installs what it needs.

SHELL      := /bin/bash
GO         ?= go
BIN        := $(CURDIR)/.bin
export GOPROXY ?= https://proxy.golang.org
export GOFLAGS ?= -buildvcs=false
export PATH    := $(BIN):$(PATH)

RIE_VERSION       := v0.0.0-20261030222936-bef5c4ba774d
TERRAFORM_VERSION := v1.8.5

.PHONY: demo test tools clis unit terraform-fmt dist bench clean FORCE

## demo: explain bundled real events and print the Slack message (no cloud account needed)
demo:
	@$(GO) run ./cmd/tracegrid demo

## test: unit, end-to-end under the real runtimes, fuzz seeds, Terraform checks
test: tools unit terraform-fmt

EMULATORS := $(BIN)/npm/node_modules/.bin/dynalite

tools: $(BIN)/aws-lambda-rie $(BIN)/terraform $(EMULATORS) clis

$(BIN)/aws-lambda-rie:
	GOBIN=$(BIN) $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)

$(BIN)/terraform:
	GOBIN=$(BIN) $(GO) install github.com/hashicorp/terraform@$(TERRAFORM_VERSION)

# dynalite (DynamoDB) and azurite (Table storage) speak the real APIs for the
# notification-state store tests; versions are pinned in scripts/state.
$(EMULATORS): scripts/state/package.json scripts/state/package-lock.json
	scripts/state/install-emulators $(BIN)/npm
	touch $@

# The command test (shared/classify TestCommandsPasteAndRun) runs every
# rendered command through the real CLIs. The machine image ships gcloud
# and kubectl; aws-cli v2 and azure-cli come from Debian where missing.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
clis:
	@pkgs=""; \
	{ /usr/bin/aws --version 2>/dev/null | grep -q '^aws-cli/2'; } || pkgs="$$pkgs awscli"; \
	command -v az >/dev/null || pkgs="$$pkgs azure-cli"; \
	if [ -n "$$pkgs" ]; then \
	  echo "installing$$pkgs from Debian for the command test"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$pkgs; \
	fi

# Under make, tests that need the emulators, the Lambda emulator or the
# CLIs make installs fail instead of skipping when they are missing.
unit:
	$(GO) vet ./...
	TRACEGRID_REQUIRE_EMULATORS=1 TRACEGRID_REQUIRE_CLIS=1 $(GO) test -count=1 ./...

terraform-fmt: $(BIN)/terraform
	@if [ -d terraform ]; then terraform fmt -check -recursive -diff terraform; fi

## dist: the deploy artifacts the Terraform modules consume
dist: dist/ecs.zip dist/azure.zip dist/gke.zip

# The Lambda runs on provided.al2023 arm64, built with lambda.norpc (no
# legacy RPC runtime), stripped, as the zip's only entry "bootstrap".
dist/ecs.zip: FORCE
	$(GO) run ./functions/ecs/cmd/dist -o $@

dist/azure.zip: FORCE
	$(GO) run ./functions/azure/cmd/dist -o $@

dist/gke.zip: FORCE
	$(GO) run ./functions/gke/cmd/bundle -o $@

## bench: one table of speed and size figures (classifier vs naive baseline, each function)
bench: tools
	bash bench/run.sh

clean:
	rm -rf build dist

FORCE:
