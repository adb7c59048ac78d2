package ecs

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
)

// healthCheckStop is the stoppedReason the ECS developer guide lists for a
// task that failed its load balancer health checks ("Checking stopped tasks
// for errors": "Task failed ELB health checks in (elb elb-name)"), in the
// target-group form current services report.
const healthCheckStop = "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:eu-west-1:0123456789:targetgroup/webapp/6a301850702273d9)"

func TestDecode(t *testing.T) {
	const taskARN = "arn:aws:ecs:eu-west-1:0123456789:task/Features/33a7f27282624543abd4a00c3e84d0ee"
	type want struct {
		workload, cluster, task, container, image, reason string
		messages                                          []string
		exit                                              *int
		eventID                                           string
		recovered                                         bool
		node                                              string
		details                                           map[string]string
	}
	exit := func(n int) *int { return &n }
	tests := []struct {
		name string
		body []byte
		want *want // nil: the event posts nothing
	}{
		{
			name: "image pull failure (TaskFailedToStart)",
			body: testevents.Read(t, evPull),
			want: &want{workload: "Webapp", cluster: "Features", task: "33a7f27282624543abd4a00c3e84d0ee", container: "Webapp",
				image:    "111122223333.dkr.ecr.us-east-1.amazonaws.com/<repo>/<image>",
				reason:   "TaskFailedToStart",
				messages: []string{"CannotPullContainerError: API error (404): repository 111122223333.dkr.ecr.us-east-1.amazonaws.com/<repo>/<image> not found"},
				eventID:  taskARN + "#7"},
		},
		{
			name: "OOM kill: container reason first, then the task's stoppedReason",
			body: testevents.Read(t, evOOM),
			want: &want{workload: "Webapp", cluster: "Features", task: "33a7f27282624543abd4a00c3e84d0ee", container: "Webapp",
				image: "0123456789.dkr.ecr.eu-west-1.amazonaws.com/webapp:d1a3f22", reason: "EssentialContainerExited",
				messages: []string{"OutOfMemoryError: Container killed due to memory usage", "Essential container in task exited"},
				exit:     exit(137), eventID: taskARN + "#7", node: "0c304770a74540689f5bf39622b3d781"},
		},
		{name: "user stop on EC2", body: testevents.Read(t, evUserEC2)},
		{name: "user stop on Fargate", body: testevents.Read(t, evUserFarg)},
		{
			name: "deployment replacement",
			body: patched(t, evUserEC2, map[string]any{"detail.stopCode": "ServiceSchedulerInitiated",
				"detail.stoppedReason": "Scaling activity initiated by (deployment ecs-svc/8709920613704280865)"}),
		},
		{
			name: "scheduler stop after failed ELB health checks",
			body: patched(t, evUserEC2, map[string]any{"detail.stopCode": "ServiceSchedulerInitiated",
				"detail.stoppedReason": healthCheckStop, "detail.containers.0.exitCode": 137}),
			want: &want{workload: "Webapp", cluster: "Features", task: "33a7f27282624543abd4a00c3e84d0ee", container: "Webapp",
				image: "0123456789.dkr.ecr.eu-west-1.amazonaws.com/webapp:d1a3f22", reason: "ServiceSchedulerInitiated",
				messages: []string{healthCheckStop}, exit: exit(137), eventID: taskARN + "#7", node: "0c304770a74540689f5bf39622b3d781"},
		},
		{
			name: "batch task exits 0",
			body: patched(t, evUserEC2, map[string]any{"detail.stopCode": "EssentialContainerExited",
				"detail.stoppedReason": "Essential container in task exited", "detail.group": "family:webapp", "detail.startedBy": nil}),
		},
		{
			name: "service task exits 0: a service should run forever",
			body: patched(t, evUserEC2, map[string]any{"detail.stopCode": "EssentialContainerExited",
				"detail.stoppedReason": "Essential container in task exited"}),
			want: &want{workload: "Webapp", cluster: "Features", task: "33a7f27282624543abd4a00c3e84d0ee", container: "Webapp",
				image: "0123456789.dkr.ecr.eu-west-1.amazonaws.com/webapp:d1a3f22", reason: "EssentialContainerExited",
				messages: []string{"Essential container in task exited"}, exit: exit(0), eventID: taskARN + "#7", node: "0c304770a74540689f5bf39622b3d781"},
		},
		{
			name: "standalone task crash: workload is the task definition family",
			body: patched(t, evOOM, map[string]any{"detail.group": "family:webapp", "detail.containers.0.reason": nil,
				"detail.containers.0.exitCode": 1}),
			want: &want{workload: "webapp", cluster: "Features", task: "33a7f27282624543abd4a00c3e84d0ee", container: "Webapp",
				image: "0123456789.dkr.ecr.eu-west-1.amazonaws.com/webapp:d1a3f22", reason: "EssentialContainerExited",
				messages: []string{"Essential container in task exited"}, exit: exit(1), eventID: taskARN + "#7", node: "0c304770a74540689f5bf39622b3d781"},
		},
		{
			name: "the failed container is picked, not the first",
			body: patched(t, evOOM, map[string]any{"detail.containers": []any{
				map[string]any{"name": "envoy", "exitCode": 0, "lastStatus": "STOPPED"},
				map[string]any{"name": "Webapp", "exitCode": 2, "lastStatus": "STOPPED", "image": "0123456789.dkr.ecr.eu-west-1.amazonaws.com/webapp:d1a3f22"},
			}}),
			want: &want{workload: "Webapp", cluster: "Features", task: "33a7f27282624543abd4a00c3e84d0ee", container: "Webapp",
				image: "0123456789.dkr.ecr.eu-west-1.amazonaws.com/webapp:d1a3f22", reason: "EssentialContainerExited",
				messages: []string{"Essential container in task exited"}, exit: exit(2), eventID: taskARN + "#7", node: "0c304770a74540689f5bf39622b3d781"},
		},
		{
			name: "spot interruption (stop code and reason from the Fargate capacity provider docs)",
			body: patched(t, evUserFarg, map[string]any{"detail.stopCode": "TerminationNotice", "detail.stoppedReason": "Your Spot Task was interrupted."}),
			want: &want{workload: "Example", cluster: "Example", task: "cdd887a827a4432db19f6059310a4817", container: "Example",
				image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/example-webservice:latest", reason: "TerminationNotice",
				messages: []string{"Your Spot Task was interrupted."}, exit: exit(0),
				eventID: "arn:aws:ecs:us-east-1:123456789012:task/Example/cdd887a827a4432db19f6059310a4817#9"},
		},
		{name: "spot warning before the stop: lastStatus still RUNNING", body: patched(t, evUserFarg, map[string]any{
			"detail.stopCode": "TerminationNotice", "detail.lastStatus": "RUNNING", "detail.stoppedReason": "Your Spot Task was interrupted."})},
		{
			name: "stop with no reason at all: the stop code is the message",
			body: patched(t, evPull, map[string]any{"detail.stoppedReason": nil, "detail.containers": []any{}}),
			want: &want{workload: "Webapp", cluster: "Features", task: "33a7f27282624543abd4a00c3e84d0ee", reason: "TaskFailedToStart",
				messages: []string{"TaskFailedToStart"}, eventID: taskARN + "#7"},
		},
		{name: "stop with nothing known", body: patched(t, evPull, map[string]any{"detail.stoppedReason": nil, "detail.stopCode": nil, "detail.containers": nil})},
		{name: "standalone task running", body: testevents.Read(t, evRunning)},
		{name: "SDK fixture: RUNNING, not a service", body: testevents.Read(t, evExit0)},
		{
			name: "service task running again: a recovery",
			body: patched(t, evRunning, map[string]any{"detail.group": "service:sample-fargate"}),
			want: &want{workload: "sample-fargate", cluster: "FargateCluster", task: "c13b4cb40f1f4fe4a2971f76ae5a47ad",
				eventID: "arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad#4", recovered: true},
		},
		{
			name: "placement failure on Fargate Spot",
			body: testevents.Read(t, evPlaceSpot),
			want: &want{workload: "servicetest", cluster: "default", reason: "SERVICE_TASK_PLACEMENT_FAILURE", messages: []string{"RESOURCE:FARGATE"},
				eventID: "ddca6449-b258-46c0-8653-e0e3a6d0468b", details: map[string]string{"capacity providers": "FARGATE_SPOT"}},
		},
		{
			name: "placement failure on EC2 for CPU",
			body: testevents.Read(t, evPlaceCPU),
			want: &want{workload: "servicetest", cluster: "default", reason: "SERVICE_TASK_PLACEMENT_FAILURE", messages: []string{"RESOURCE:CPU"},
				eventID: "ddca6449-b258-46c0-8653-e0e3a6d0468b", node: "2dd1b186f39845a584488d2ef155c131"},
		},
		{
			name: "task start impaired",
			body: testevents.Read(t, evImpaired),
			want: &want{workload: "servicetest", cluster: "default", reason: "SERVICE_TASK_START_IMPAIRED", messages: []string{startImpairedMessage},
				eventID: "57c9506e-9d21-294c-d2fe-e8738da7e67d"},
		},
		{name: "service steady state", body: testevents.Read(t, evSteady)},
		{
			name: "deployment failed: cluster from the service ARN",
			body: testevents.Read(t, evDeployFail),
			want: &want{workload: "servicetest", cluster: "default", reason: "SERVICE_DEPLOYMENT_FAILED",
				messages: []string{"ECS deployment circuit breaker: task failed to start."},
				eventID:  "ddca6449-b258-46c0-8653-e0e3aEXAMPLE", details: map[string]string{"deployment": "ecs-svc/123"}},
		},
		{name: "container instance state change", body: testevents.Read(t, evInstance)},
		{name: "another source", body: []byte(`{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","detail":{}}`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := Decode(tc.body)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if tc.want == nil {
				if len(fs) != 0 {
					t.Fatalf("got %d failures, want none: %+v", len(fs), fs[0])
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("got %d failures, want 1", len(fs))
			}
			f, w := fs[0], tc.want
			got := want{workload: f.Workload, cluster: f.Cluster, task: f.Task, container: f.Container, image: f.Image,
				reason: f.Reason, messages: f.Messages, exit: f.ExitCode, eventID: f.EventID, recovered: f.Recovered, node: f.Node, details: f.Details}
			if got.workload != w.workload || got.cluster != w.cluster || got.task != w.task || got.container != w.container ||
				got.image != w.image || got.reason != w.reason || got.eventID != w.eventID || got.recovered != w.recovered || got.node != w.node {
				t.Errorf("got  %+v\nwant %+v", got, *w)
			}
			if strings.Join(got.messages, "\n") != strings.Join(w.messages, "\n") {
				t.Errorf("messages = %q, want %q", got.messages, w.messages)
			}
			if (got.exit == nil) != (w.exit == nil) || (got.exit != nil && *got.exit != *w.exit) {
				t.Errorf("exit code = %v, want %v", ptrString(got.exit), ptrString(w.exit))
			}
			for k, v := range w.details {
				if got.details[k] != v {
					t.Errorf("details[%q] = %q, want %q", k, got.details[k], v)
				}
			}
			if f.Platform != "ecs" || f.Region == "" || f.Account == "" {
				t.Errorf("platform/region/account = %q/%q/%q", f.Platform, f.Region, f.Account)
			}
			if len(f.Links) == 0 || !strings.HasPrefix(f.Links[0].URL, "https://"+f.Region+".console.aws.amazon.com/ecs/v2/clusters/"+f.Cluster+"/") {
				t.Errorf("links = %+v", f.Links)
			}
		})
	}
}

func ptrString(p *int) string {
	if p == nil {
		return "none"
	}
	return strconv.Itoa(*p)
}

func TestDecodeMalformed(t *testing.T) {
	tests := []struct {
		name string
		body []byte
	}{
		{"not JSON", []byte("this is not json")},
		{"empty", nil},
		{"JSON array", []byte(`[]`)},
		{"bad time", []byte(`{"source":"aws.ecs","detail-type":"ECS Task State Change","time":"yesterday","detail":{}}`)},
		{"no detail", []byte(`{"source":"aws.ecs","detail-type":"ECS Task State Change"}`)},
		{"detail is a string", []byte(`{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":"STOPPED"}`)},
		{"task without taskArn", patched(t, evOOM, map[string]any{"detail.taskArn": nil})},
		{"exit code is text", patched(t, evOOM, map[string]any{"detail.containers.0.exitCode": "137"})},
		{"service action without resources", patched(t, evPlaceSpot, map[string]any{"resources": []any{}})},
		{"deployment failure naming no service", patched(t, evDeployFail, map[string]any{"resources": []any{"arn:aws:ecs:us-west-2:111122223333:cluster/default"}})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := Decode(tc.body)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Decode = %v, %v; want ErrMalformed", fs, err)
			}
		})
	}
}
