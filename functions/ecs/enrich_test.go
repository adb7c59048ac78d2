package ecs

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
	"github.com/tracegrid/tracegrid/shared/failure"
	"github.com/tracegrid/tracegrid/shared/notify/fakeslack"
)

// Error bodies in the awsJson1_1 shape, with the messages the services send.
const (
	accessDeniedDescribe = `{"__type":"AccessDeniedException","message":"User: arn:aws:sts::0123456789:assumed-role/tracegrid-ecs/tracegrid is not authorized to perform: ecs:DescribeTaskDefinition on resource: * because no identity-based policy allows the ecs:DescribeTaskDefinition action"}`
	taskDefinitionGone   = `{"__type":"ClientException","message":"Unable to describe task definition."}`
	logStreamGone        = `{"__type":"ResourceNotFoundException","message":"The specified log stream does not exist."}`
	logsThrottled        = `{"__type":"ThrottlingException","message":"Rate exceeded"}`
)

func TestEnrich(t *testing.T) {
	webapp := awsReply{body: recorded(t, "ecs.DescribeTaskDefinition.webapp-15.DERIVED.json")}
	helloWorld := awsReply{body: recorded(t, "ecs.DescribeTaskDefinition.hello_world-8.aws-cli-example.json")}
	logs := awsReply{body: recorded(t, "logs.GetLogEvents.awsdocs.json")}
	const streamLink = "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fwebapp/log-events/ecs$252FWebapp$252F33a7f27282624543abd4a00c3e84d0ee"
	tests := []struct {
		name      string
		event     []byte
		replies   map[string]awsReply
		container string
		details   map[string]string
		tail      []string
		link      string
		logsCalls int
		warnCode  string // error_code of the "enrichment skipped" log line
	}{
		{
			name:    "OOM: task definition facts and the container's last log lines",
			event:   testevents.Read(t, evOOM),
			replies: map[string]awsReply{targetDescribeTaskDefinition: webapp, targetGetLogEvents: logs},
			details: map[string]string{"memory limit": "128 MiB (container)", "essential": "true",
				"execution role": "arn:aws:iam::0123456789:role/ecsTaskExecutionRole", "log group": "/ecs/webapp",
				"secrets": "DATABASE_URL from arn:aws:secretsmanager:eu-west-1:0123456789:secret:webapp/database-url-AbCdEf"},
			container: "Webapp", tail: []string{"Example event 1", "Example event 2", "Example event 3"}, link: streamLink, logsCalls: 1,
		},
		{
			name:      "image pull failure: the container never ran, so no log tail",
			event:     testevents.Read(t, evPull),
			replies:   map[string]awsReply{targetDescribeTaskDefinition: webapp, targetGetLogEvents: logs},
			details:   map[string]string{"memory limit": "128 MiB (container)", "log group": "/ecs/webapp"},
			container: "Webapp", link: streamLink,
		},
		{
			name: "the essential container wins over a failed sidecar",
			event: patched(t, evOOM, map[string]any{"detail.containers": []any{
				map[string]any{"name": "log_router", "exitCode": 1, "lastStatus": "STOPPED"},
				map[string]any{"name": "Webapp", "exitCode": 1, "lastStatus": "STOPPED"},
			}}),
			replies:   map[string]awsReply{targetDescribeTaskDefinition: webapp, targetGetLogEvents: logs},
			details:   map[string]string{"essential": "true"},
			container: "Webapp", tail: []string{"Example event 1", "Example event 2", "Example event 3"}, link: streamLink, logsCalls: 1,
		},
		{
			name: "AWS CLI reference task definition: no awslogs, so no log calls",
			event: patched(t, evOOM, map[string]any{"detail.taskDefinitionArn": "arn:aws:ecs:us-east-1:012345678910:task-definition/hello_world:8",
				"detail.containers.0.name": "wordpress", "detail.containers.0.image": nil, "detail.containers.0.reason": nil, "detail.containers.0.exitCode": 1}),
			replies:   map[string]awsReply{targetDescribeTaskDefinition: helloWorld},
			details:   map[string]string{"memory limit": "500 MiB (container)", "essential": "true"},
			container: "wordpress",
		},
		{
			name:      "AccessDenied on DescribeTaskDefinition: the event's own data",
			event:     testevents.Read(t, evOOM),
			replies:   map[string]awsReply{targetDescribeTaskDefinition: {http.StatusBadRequest, accessDeniedDescribe}},
			container: "Webapp", warnCode: "AccessDeniedException",
		},
		{
			name:      "task definition deregistered and aged out",
			event:     testevents.Read(t, evOOM),
			replies:   map[string]awsReply{targetDescribeTaskDefinition: {http.StatusBadRequest, taskDefinitionGone}},
			container: "Webapp", warnCode: "ClientException",
		},
		{
			name:      "log stream expired",
			event:     testevents.Read(t, evOOM),
			replies:   map[string]awsReply{targetDescribeTaskDefinition: webapp, targetGetLogEvents: {http.StatusBadRequest, logStreamGone}},
			details:   map[string]string{"memory limit": "128 MiB (container)"},
			container: "Webapp", link: streamLink, logsCalls: 1, warnCode: "ResourceNotFoundException",
		},
		{
			name:      "CloudWatch Logs throttling, retried once then given up",
			event:     testevents.Read(t, evOOM),
			replies:   map[string]awsReply{targetDescribeTaskDefinition: webapp, targetGetLogEvents: {http.StatusBadRequest, logsThrottled}},
			details:   map[string]string{"memory limit": "128 MiB (container)"},
			container: "Webapp", link: streamLink, logsCalls: sdkRetryAttempts, warnCode: "ThrottlingException",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			aws := newFakeAWS(t, tc.replies)
			setEnv(t, awsEnv(t, aws))
			rec := &opRecorder{}
			fn, logBuf := testFunction(rec)
			ds, err := decode(tc.event)
			if err != nil || len(ds) != 1 {
				t.Fatalf("decode: %d, %v", len(ds), err)
			}
			e := &enricher{clients: fn.clients, log: fn.log}
			e.enrich(context.Background(), ds[0])
			f := ds[0].failure
			checkIAM(t, rec)

			if f.Container != tc.container {
				t.Errorf("container = %q, want %q", f.Container, tc.container)
			}
			for k, v := range tc.details {
				if f.Details[k] != v {
					t.Errorf("details[%q] = %q, want %q", k, f.Details[k], v)
				}
			}
			if tc.details == nil && len(f.Details) > 0 {
				t.Errorf("details = %v, want none", f.Details)
			}
			if !slices.Equal(f.LogTail, tc.tail) {
				t.Errorf("log tail = %q, want %q", f.LogTail, tc.tail)
			}
			hasLink := slices.ContainsFunc(f.Links, func(l failure.Link) bool { return l.URL == tc.link })
			if tc.link != "" && !hasLink {
				t.Errorf("links = %+v, want %s", f.Links, tc.link)
			}
			calls := aws.calls(targetGetLogEvents)
			if len(calls) != tc.logsCalls {
				t.Fatalf("GetLogEvents calls = %d, want %d", len(calls), tc.logsCalls)
			}
			if len(calls) > 0 {
				c := calls[0]
				if c["logGroupName"] != "/ecs/webapp" || c["logStreamName"] != "ecs/Webapp/33a7f27282624543abd4a00c3e84d0ee" || c["startFromHead"] != false {
					t.Errorf("GetLogEvents request = %v", c)
				}
			}
			if d := aws.calls(targetDescribeTaskDefinition); len(d) != 1 || !strings.Contains(d[0]["taskDefinition"].(string), "task-definition/") {
				t.Errorf("DescribeTaskDefinition requests = %v", d)
			}
			warned := ""
			for _, l := range logBuf.lines(t) {
				if l["msg"] == "enrichment skipped" {
					warned, _ = l["error_code"].(string)
				}
			}
			if warned != tc.warnCode {
				t.Errorf("enrichment warning code = %q, want %q; logs:\n%s", warned, tc.warnCode, logBuf)
			}
		})
	}
}

func TestEnrichSwitch(t *testing.T) {
	for _, tc := range []struct {
		value string
		calls int
	}{{"off", 0}, {"OFF", 0}, {"", 1}, {"on", 1}} {
		t.Run("TRACEGRID_ENRICH="+tc.value, func(t *testing.T) {
			fake := fakeslack.New(testToken)
			defer fake.Close()
			aws := newFakeAWS(t, map[string]awsReply{
				targetDescribeTaskDefinition: {body: recorded(t, "ecs.DescribeTaskDefinition.webapp-15.DERIVED.json")},
				targetGetLogEvents:           {body: recorded(t, "logs.GetLogEvents.awsdocs.json")},
			})
			setEnv(t, awsEnv(t, aws))
			slackEnv(t, fake)
			t.Setenv(EnvEnrich, tc.value)
			fn, _ := testFunction(nil)
			if _, err := fn.Handle(context.Background(), testevents.Read(t, evOOM)); err != nil {
				t.Fatal(err)
			}
			if n := len(aws.calls(targetDescribeTaskDefinition)); n != tc.calls {
				t.Errorf("DescribeTaskDefinition calls = %d, want %d", n, tc.calls)
			}
		})
	}
}
