// Command tracegrid runs Tracegrid's classifier on a laptop: explain one cloud
// event or error text, classify JSON Lines in bulk, serve the three function
// handlers on one local port, or show a demo on bundled real events.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `tracegrid names the root cause of a container failure and prints the fix.

Usage:
  tracegrid explain [flags] [FILE|-]   explain one event or error text (stdin when no FILE)
  tracegrid classify                   JSON Lines in on stdin, one JSON line out per input
  tracegrid serve [-addr ADDR]         run the ECS, GKE and Azure handlers on one local port
  tracegrid demo                       explain bundled real events, show the Slack message

explain detects what it is given:
  an EventBridge ECS event, an Event Grid event (either schema, single or array),
  an Azure Functions custom-handler request, an ACI container group (az container show),
  a Pub/Sub push body or CloudEvent, a GKE LogEntry, a Kubernetes Event (JSON or YAML),
  'kubectl describe pod' output, or plain error text.

explain flags:
  --json             print the diagnosis as JSON
  --slack            print the Slack Block Kit payload that would be posted
  --platform NAME    for plain text: ecs, kubernetes, aci or docker (guessed when empty)
  --verify           for a pull failure, ask the registry whether the repository and tag
                     exist (local Docker credentials: $DOCKER_CONFIG or ~/.docker, and
                     their credential helpers; localhost registries over plain http)

classify input lines look like {"platform": "ecs", "message": "..."}; output lines
are {"cause": "...", "title": "...", "confidence": "...", ...}, in input order.

Examples:
  tracegrid explain event.json
  kubectl describe pod api-7d9f -n shop | tracegrid explain
  echo 'CannotPullContainerError: ... not found' | tracegrid explain --platform ecs
  tracegrid explain --verify event.json
  tracegrid classify < messages.jsonl > causes.jsonl

Cause ids: image_not_found registry_auth registry_token_expired registry_rate_limited
registry_unreachable invalid_image_reference image_platform_mismatch image_unsupported
secret_unavailable command_not_found container_config_error log_config_error
volume_mount_failed disk_full out_of_memory app_crash health_check_failed
insufficient_capacity quota_exceeded node_interrupted platform_error not_a_failure unknown
`

// errUsage marks a command-line mistake: the usage text is printed with it.
var errUsage = errors.New("usage")

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command and returns the process exit code: 0 on success,
// 1 when the input could not be handled, 2 on a usage error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "explain":
		err = explainCmd(args[1:], stdin, stdout)
	case "classify":
		err = classifyCmd(args[1:], stdin, stdout, stderr)
	case "serve":
		err = serveCmd(args[1:], stderr)
	case "demo":
		err = demoCmd(stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "tracegrid: %v\n\n%s", err, usage)
		return 2
	default:
		fmt.Fprintf(stderr, "tracegrid: %v\n", err)
		return 1
	}
}

// newFlags returns a FlagSet that reports errors instead of exiting.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args, turning flag mistakes into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
	}
	return nil
}
