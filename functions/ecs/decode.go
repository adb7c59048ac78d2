// Package ecs is the Amazon ECS adapter of Tracegrid: it turns the EventBridge
// events ECS emits (task state changes, service actions, deployment state
// changes) into failure.Failure values, enriches them from the ECS and
// CloudWatch Logs APIs, and hands them to shared/report. The Lambda entry
// point is functions/ecs/cmd/bootstrap.
package ecs

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// EventBridge detail types and event names this adapter acts on.
const (
	detailTaskStateChange       = "ECS Task State Change"
	detailServiceAction         = "ECS Service Action"
	detailDeploymentStateChange = "ECS Deployment State Change"

	eventPlacementFailure  = "SERVICE_TASK_PLACEMENT_FAILURE"
	eventStartImpaired     = "SERVICE_TASK_START_IMPAIRED"
	eventDeploymentFailed  = "SERVICE_DEPLOYMENT_FAILED"
	stopUserInitiated      = "UserInitiated"
	stopSchedulerInitiated = "ServiceSchedulerInitiated"
	stopEssentialExited    = "EssentialContainerExited"
)

// startImpairedMessage is how the ECS developer guide describes
// SERVICE_TASK_START_IMPAIRED, whose event carries no reason of its own.
const startImpairedMessage = "SERVICE_TASK_START_IMPAIRED: the service is unable to consistently start tasks successfully"

// ErrMalformed wraps every decoding error: the body is not an EventBridge
// event, or an ECS event lacks the fields needed to name what failed.
var ErrMalformed = errors.New("ecs: malformed event")

// taskDetail is the detail of an "ECS Task State Change" event (the fields
// Tracegrid reads; see the ECS developer guide, "Task state change events").
type taskDetail struct {
	ClusterArn           string      `json:"clusterArn"`
	TaskArn              string      `json:"taskArn"`
	TaskDefinitionArn    string      `json:"taskDefinitionArn"`
	ContainerInstanceArn string      `json:"containerInstanceArn"`
	Group                string      `json:"group"`
	LaunchType           string      `json:"launchType"`
	LastStatus           string      `json:"lastStatus"`
	DesiredStatus        string      `json:"desiredStatus"`
	StopCode             string      `json:"stopCode"`
	StoppedReason        string      `json:"stoppedReason"`
	StoppedAt            *time.Time  `json:"stoppedAt"`
	Containers           []container `json:"containers"`
	Version              *int64      `json:"version"`
}

// container is one entry of taskDetail.Containers.
type container struct {
	Name     string `json:"name"`
	Image    string `json:"image"`
	Reason   string `json:"reason"`
	ExitCode *int   `json:"exitCode"`
}

// serviceDetail is the detail of "ECS Service Action" and "ECS Deployment
// State Change" events.
type serviceDetail struct {
	EventName             string   `json:"eventName"`
	ClusterArn            string   `json:"clusterArn"`
	Reason                string   `json:"reason"`
	DeploymentID          string   `json:"deploymentId"`
	CapacityProviderArns  []string `json:"capacityProviderArns"`
	ContainerInstanceArns []string `json:"containerInstanceArns"`
}

// decoded is one failure plus what enrichment needs from the raw event.
type decoded struct {
	failure *failure.Failure
	// task is the task state change detail (nil for service and
	// deployment events).
	task *taskDetail
	// ran is true when the chosen container got as far as running, so it
	// may have written logs worth tailing.
	ran bool
}

// Decode reads one EventBridge event body and returns the failures it
// reports: none for events that post nothing (user stops, scale-in,
// deployment replacements, clean batch exits, unrelated event types), and an
// error wrapping ErrMalformed when the body is not a usable event. It needs
// no AWS access; the CLI's `tracegrid explain` uses it.
func Decode(body []byte) ([]*failure.Failure, error) {
	ds, err := decode(body)
	if err != nil {
		return nil, err
	}
	fs := make([]*failure.Failure, 0, len(ds))
	for _, d := range ds {
		fs = append(fs, d.failure)
	}
	return fs, nil
}

func decode(body []byte) ([]decoded, error) {
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if ev.Source != "aws.ecs" {
		return nil, nil
	}
	switch ev.DetailType {
	case detailTaskStateChange:
		var d taskDetail
		if err := unmarshalDetail(ev.Detail, &d); err != nil {
			return nil, err
		}
		return decodeTask(&ev, &d)
	case detailServiceAction, detailDeploymentStateChange:
		var d serviceDetail
		if err := unmarshalDetail(ev.Detail, &d); err != nil {
			return nil, err
		}
		return decodeService(&ev, &d)
	}
	return nil, nil
}

func unmarshalDetail(raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return fmt.Errorf("%w: no detail", ErrMalformed)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: detail: %v", ErrMalformed, err)
	}
	return nil
}

func decodeTask(ev *events.EventBridgeEvent, d *taskDetail) ([]decoded, error) {
	if arnName(d.TaskArn) == "" {
		return nil, fmt.Errorf("%w: task state change without a task ARN", ErrMalformed)
	}
	service, isService := strings.CutPrefix(d.Group, "service:")
	f := &failure.Failure{
		Platform:       failure.ECS,
		Account:        ev.AccountID,
		Region:         ev.Region,
		Cluster:        arnName(d.ClusterArn),
		Workload:       service,
		Task:           arnName(d.TaskArn),
		TaskARN:        d.TaskArn,
		TaskDefinition: d.TaskDefinitionArn,
		Node:           arnName(d.ContainerInstanceArn),
		Time:           ev.Time,
	}
	if !isService || service == "" {
		f.Workload = taskFamily(d.TaskDefinitionArn)
	}
	switch {
	case d.Version != nil:
		f.EventID = d.TaskArn + "#" + strconv.FormatInt(*d.Version, 10)
	case ev.ID != "":
		f.EventID = ev.ID
	default:
		return nil, fmt.Errorf("%w: task state change with neither detail.version nor an event id", ErrMalformed)
	}
	switch {
	case d.LastStatus == "RUNNING" && d.DesiredStatus == "RUNNING" && isService:
		// A service task is healthy again: lets the notifier resolve an
		// open incident for this workload. Posts nothing by itself.
		f.Recovered = true
		f.Links = consoleLinks(f, true)
		return []decoded{{failure: f, task: d}}, nil
	case d.LastStatus != "STOPPED":
		return nil, nil
	}
	c, found := pickContainer(d.Containers, nil)
	if !postsStop(d, c, found, isService) {
		return nil, nil
	}
	if d.StoppedAt != nil {
		f.Time = *d.StoppedAt
	}
	f.Reason = d.StopCode
	applyContainer(f, d, c, found)
	if len(f.Messages) == 0 && f.ExitCode == nil {
		// No reason and no exit code: the stop code is all there is.
		if d.StopCode == "" {
			return nil, nil
		}
		f.Messages = []string{d.StopCode}
	}
	f.Links = consoleLinks(f, isService)
	return []decoded{{failure: f, task: d, ran: ran(d, c, found)}}, nil
}

// postsStop says whether a STOPPED task is worth a message.
func postsStop(d *taskDetail, c container, found, isService bool) bool {
	switch d.StopCode {
	case stopUserInitiated:
		return false // StopTask by a person or a tool
	case stopSchedulerInitiated:
		// The scheduler stops tasks for scale-in and deployments ("Scaling
		// activity initiated by (deployment ecs-svc/...)"); it also stops
		// tasks that failed ELB or container health checks.
		return !strings.HasPrefix(d.StoppedReason, "Scaling activity initiated by")
	case stopEssentialExited:
		// A batch task whose essential container exited 0 did its job; a
		// service task should run forever, so exit 0 is a crash.
		return found || isService
	}
	return true
}

// pickContainer returns the container that caused the stop: the first one
// with a reason, else the first with a non-zero exit code. When essential is
// known, essential containers win over non-essential ones.
func pickContainer(cs []container, essential map[string]bool) (container, bool) {
	best, bestScore := container{}, 0
	for _, c := range cs {
		score := 0
		switch {
		case c.Reason != "":
			score = 2
		case c.ExitCode != nil && *c.ExitCode != 0:
			score = 1
		}
		if score > 0 && essential != nil && essential[c.Name] {
			score += 2
		}
		if score > bestScore {
			best, bestScore = c, score
		}
	}
	return best, bestScore > 0
}

// applyContainer fills the container-level fields of f from the culprit c
// (or, when no container stands out, from the only or first essential one).
func applyContainer(f *failure.Failure, d *taskDetail, c container, found bool) {
	if !found && len(d.Containers) > 0 {
		c = d.Containers[0]
	}
	f.Container = c.Name
	f.Image = c.Image
	f.ExitCode = nil
	if c.ExitCode != nil {
		f.ExitCode = failure.IntPtr(*c.ExitCode)
	}
	f.Messages = f.Messages[:0]
	if found && c.Reason != "" {
		f.Messages = append(f.Messages, c.Reason)
	}
	if d.StoppedReason != "" && d.StoppedReason != c.Reason {
		f.Messages = append(f.Messages, d.StoppedReason)
	}
}

// ran says whether the stopped container got to run, so its log stream may
// hold the crash: it has an exit code, or the scheduler stopped it for
// failing health checks.
func ran(d *taskDetail, c container, found bool) bool {
	if found && c.ExitCode != nil {
		return true
	}
	return d.StopCode == stopSchedulerInitiated || (d.StopCode == stopEssentialExited && len(d.Containers) > 0)
}

func decodeService(ev *events.EventBridgeEvent, d *serviceDetail) ([]decoded, error) {
	switch d.EventName {
	case eventPlacementFailure, eventStartImpaired, eventDeploymentFailed:
	default:
		return nil, nil
	}
	if len(ev.Resources) == 0 || !strings.Contains(ev.Resources[0], ":service/") || arnName(ev.Resources[0]) == "" {
		return nil, fmt.Errorf("%w: %s without a service ARN in resources", ErrMalformed, d.EventName)
	}
	if ev.ID == "" {
		// EventBridge always sets it; without it redeliveries cannot be told apart.
		return nil, fmt.Errorf("%w: %s without an event id", ErrMalformed, d.EventName)
	}
	serviceARN := ev.Resources[0]
	cluster := arnName(d.ClusterArn)
	if cluster == "" {
		// arn:aws:ecs:region:account:service/cluster/name
		if parts := strings.Split(arnResource(serviceARN), "/"); len(parts) == 3 {
			cluster = parts[1]
		}
	}
	f := &failure.Failure{
		Platform: failure.ECS,
		Account:  ev.AccountID,
		Region:   ev.Region,
		Cluster:  cluster,
		Workload: arnName(serviceARN),
		Reason:   d.EventName,
		Time:     ev.Time,
		EventID:  ev.ID,
	}
	msg := d.Reason
	switch {
	case d.EventName == eventStartImpaired && msg == "":
		msg = startImpairedMessage
	case msg == "":
		msg = d.EventName
	}
	f.Messages = []string{msg}
	details := map[string]string{}
	if d.DeploymentID != "" {
		details["deployment"] = d.DeploymentID
	}
	if len(d.CapacityProviderArns) > 0 {
		names := make([]string, len(d.CapacityProviderArns))
		for i, a := range d.CapacityProviderArns {
			names[i] = arnName(a)
		}
		details["capacity providers"] = strings.Join(names, ", ")
	}
	if len(d.ContainerInstanceArns) > 0 {
		f.Node = arnName(d.ContainerInstanceArns[0])
	}
	if len(details) > 0 {
		f.Details = details
	}
	f.Links = consoleLinks(f, true)
	return []decoded{{failure: f}}, nil
}

// arnResource returns the resource part of an ARN (after the fifth colon).
func arnResource(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[5]
}

// arnName returns the last path element of an ARN's resource: the cluster,
// task id, service or container instance id.
func arnName(arn string) string {
	r := arnResource(arn)
	if i := strings.LastIndexByte(r, '/'); i >= 0 {
		return r[i+1:]
	}
	return r
}

// taskFamily returns the family of a task definition ARN
// (arn:...:task-definition/family:revision).
func taskFamily(taskDefinitionArn string) string {
	family, _, _ := strings.Cut(arnName(taskDefinitionArn), ":")
	return family
}
