package ecs

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// consoleLinks returns AWS console links to the task and the service (or
// task definition family) of f. service says whether f.Workload names an
// ECS service rather than a task definition family.
func consoleLinks(f *failure.Failure, service bool) []failure.Link {
	host, ok := consoleHost(f.Region)
	if !ok || f.Cluster == "" {
		return nil
	}
	base := "https://" + host + "/ecs/v2/clusters/" + url.PathEscape(f.Cluster)
	q := "?region=" + url.QueryEscape(f.Region)
	var links []failure.Link
	if f.Task != "" && !f.Recovered {
		links = append(links, failure.Link{Title: "Task " + f.Task, URL: base + "/tasks/" + url.PathEscape(f.Task) + "/configuration" + q})
	}
	if f.Workload != "" && service {
		links = append(links, failure.Link{Title: "Service " + f.Workload, URL: base + "/services/" + url.PathEscape(f.Workload) + "/health" + q})
	}
	return links
}

// logStreamLink returns the CloudWatch console link to one log stream, or
// false when region is not an AWS region name (it comes from the task
// definition, which anyone who can register one writes). The console's
// #logsV2 fragment escapes names twice, with "$" in place of "%".
func logStreamLink(region, group, stream string) (failure.Link, bool) {
	host, ok := consoleHost(region)
	if !ok {
		return failure.Link{}, false
	}
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "%", "$25") }
	return failure.Link{
		Title: "Log stream " + stream,
		URL: "https://" + host + "/cloudwatch/home?region=" + url.QueryEscape(region) +
			"#logsV2:log-groups/log-group/" + esc(group) + "/log-events/" + esc(stream),
	}, true
}

// regionName is the shape of AWS region names in the aws, aws-cn and
// aws-us-gov partitions: us-east-1, ap-southeast-3, cn-north-1,
// us-gov-west-1.
var regionName = regexp.MustCompile(`^[a-z]{2}(?:-gov)?-[a-z]+-[0-9]{1,2}$`)

// consoleHost returns the AWS console host for region, by partition
// (https://docs.aws.amazon.com/general/latest/gr/mgmt-console.html), or
// false when region is not a region name.
func consoleHost(region string) (string, bool) {
	switch {
	case !regionName.MatchString(region):
		return "", false
	case strings.HasPrefix(region, "cn-"):
		return "console.amazonaws.cn", true
	case strings.HasPrefix(region, "us-gov-"):
		return "console.amazonaws-us-gov.com", true
	}
	return region + ".console.aws.amazon.com", true
}
