package ecs

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	ecssdk "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/tracegrid/tracegrid/shared/failure"
)

const (
	// logTailLines is how many of the container's last log lines go into
	// the message.
	logTailLines = 20
	// maxLogLine bounds one log line; a stack trace line can be huge.
	maxLogLine = 300
	// enrichTimeout bounds all enrichment calls for one failure, so a slow
	// API cannot eat the invocation's time budget.
	enrichTimeout = 5 * time.Second
)

// enricher reads what an ECS event lacks from the ECS and CloudWatch Logs
// APIs. Every failure is logged and ignored: the event's own data is
// always enough to post.
type enricher struct {
	clients *awsClients
	log     *slog.Logger
}

// enrich adds task definition facts, the culprit container's log tail and
// log stream link to d.failure.
func (e *enricher) enrich(ctx context.Context, d decoded) {
	f := d.failure
	if f.TaskDefinition == "" || f.Recovered {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, enrichTimeout)
	defer cancel()
	client, err := e.clients.ecsClient(ctx)
	if err != nil {
		e.warn(ctx, "ecs:DescribeTaskDefinition", err)
		return
	}
	out, err := client.DescribeTaskDefinition(ctx, &ecssdk.DescribeTaskDefinitionInput{TaskDefinition: aws.String(f.TaskDefinition)}, inRegion(f.Region))
	if err != nil {
		e.warn(ctx, "ecs:DescribeTaskDefinition", err)
		return
	}
	td := out.TaskDefinition
	if td == nil {
		return
	}
	if d.task != nil {
		essential := map[string]bool{}
		for _, cd := range td.ContainerDefinitions {
			essential[aws.ToString(cd.Name)] = aws.ToBool(cd.Essential)
		}
		if c, found := pickContainer(d.task.Containers, essential); found && c.Name != f.Container {
			applyContainer(f, d.task, c, found)
		}
	}
	cd := findContainer(td.ContainerDefinitions, f.Container)
	if cd == nil {
		return
	}
	if f.Image == "" {
		f.Image = aws.ToString(cd.Image)
	}
	describe(f, td, cd)
	lc := cd.LogConfiguration
	if lc == nil || lc.LogDriver != ecstypes.LogDriverAwslogs {
		return
	}
	group, prefix := lc.Options["awslogs-group"], lc.Options["awslogs-stream-prefix"]
	region := lc.Options["awslogs-region"]
	if region == "" {
		region = f.Region
	}
	if group == "" || prefix == "" || f.Task == "" {
		return // without a prefix the stream is named after the Docker container id
	}
	stream := prefix + "/" + f.Container + "/" + f.Task
	link, ok := logStreamLink(region, group, stream)
	if !ok {
		return // not a region: neither a link nor a call to its endpoint
	}
	f.Links = append(f.Links, link)
	if d.ran {
		f.LogTail = e.tail(ctx, region, group, stream)
	}
}

// tail returns the last lines of one log stream, oldest first.
func (e *enricher) tail(ctx context.Context, region, group, stream string) []string {
	client, err := e.clients.logsClient(ctx)
	if err != nil {
		e.warn(ctx, "logs:GetLogEvents", err)
		return nil
	}
	out, err := client.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName:  aws.String(group),
		LogStreamName: aws.String(stream),
		Limit:         aws.Int32(logTailLines),
		StartFromHead: aws.Bool(false),
	}, func(o *cloudwatchlogs.Options) {
		if region != "" {
			o.Region = region
		}
	})
	if err != nil {
		e.warn(ctx, "logs:GetLogEvents", err)
		return nil
	}
	lines := make([]string, 0, len(out.Events))
	for _, ev := range out.Events {
		line := strings.TrimRight(aws.ToString(ev.Message), "\r\n")
		if len(line) > maxLogLine {
			line = line[:maxLogLine] + "…"
		}
		lines = append(lines, line)
	}
	return lines
}

// describe records the task definition facts an SRE needs next to the
// diagnosis: memory, essential flag, execution role, secrets, log group.
func describe(f *failure.Failure, td *ecstypes.TaskDefinition, cd *ecstypes.ContainerDefinition) {
	if f.Details == nil {
		f.Details = map[string]string{}
	}
	f.Details["essential"] = strconv.FormatBool(aws.ToBool(cd.Essential))
	switch {
	case cd.Memory != nil:
		f.Details["memory limit"] = strconv.Itoa(int(*cd.Memory)) + " MiB (container)"
	case td.Memory != nil:
		f.Details["memory limit"] = aws.ToString(td.Memory) + " MiB (task)"
	}
	if cd.MemoryReservation != nil {
		f.Details["memory reservation"] = strconv.Itoa(int(*cd.MemoryReservation)) + " MiB"
	}
	if td.ExecutionRoleArn != nil {
		f.Details["execution role"] = aws.ToString(td.ExecutionRoleArn)
	}
	if len(cd.Secrets) > 0 {
		s := make([]string, 0, len(cd.Secrets))
		for _, sec := range cd.Secrets {
			// valueFrom names the secret (an ARN or parameter name), never
			// its value.
			s = append(s, aws.ToString(sec.Name)+" from "+aws.ToString(sec.ValueFrom))
		}
		sort.Strings(s)
		f.Details["secrets"] = strings.Join(s, ", ")
	}
	if lc := cd.LogConfiguration; lc != nil {
		f.Details["log driver"] = string(lc.LogDriver)
		if g := lc.Options["awslogs-group"]; g != "" {
			f.Details["log group"] = g
		}
	}
}

func findContainer(cds []ecstypes.ContainerDefinition, name string) *ecstypes.ContainerDefinition {
	for i := range cds {
		if aws.ToString(cds[i].Name) == name {
			return &cds[i]
		}
	}
	if name == "" && len(cds) == 1 {
		return &cds[0]
	}
	return nil
}

// inRegion calls the ECS API in the event's region.
func inRegion(region string) func(*ecssdk.Options) {
	return func(o *ecssdk.Options) {
		if region != "" {
			o.Region = region
		}
	}
}

// warn logs one enrichment failure with the API's error code (AccessDenied,
// ThrottlingException, ClientException for an aged-out task definition).
func (e *enricher) warn(ctx context.Context, action string, err error) {
	code := ""
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	e.log.WarnContext(ctx, "enrichment skipped", slog.String("action", action), slog.String("error_code", code), slog.String("error", err.Error()))
}
