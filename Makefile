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

.PHONY: demo test tools unit terraform-fmt dist bench clean

## demo: explain bundled real events and print the Slack message (no cloud account needed)
demo:
	@$(GO) run ./cmd/tracegrid demo

## test: unit, end-to-end under the real runtimes, fuzz seeds, Terraform checks
test: tools unit terraform-fmt

tools: $(BIN)/aws-lambda-rie $(BIN)/terraform

$(BIN)/aws-lambda-rie:
	GOBIN=$(BIN) $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)

$(BIN)/terraform:
	GOBIN=$(BIN) $(GO) install github.com/hashicorp/terraform@$(TERRAFORM_VERSION)

unit:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

terraform-fmt: $(BIN)/terraform
	@if [ -d terraform ]; then terraform fmt -check -recursive -diff terraform; fi

clean:
	rm -rf build dist
