package ecs

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/tracegrid/tracegrid/shared/verify"
)

// EnvVerify set to "off" skips the registry check of pull failures.
const EnvVerify = "TRACEGRID_VERIFY"

// ecrChecker checks images in ECR through the ECR API with the function's
// own role (DescribeImages: metadata only, so it neither counts as a pull
// nor moves lastRecordedPullTime), and every other registry through
// shared/verify (the anonymous token flow of public registries).
type ecrChecker struct {
	clients *awsClients
	other   verify.Checker
	timeout time.Duration
	now     func() time.Time
}

// Check implements verify.Checker.
func (c *ecrChecker) Check(ctx context.Context, image string) verify.Result {
	ref, err := name.ParseReference(image)
	if err != nil {
		return c.other.Check(ctx, image)
	}
	repo := ref.Context()
	account, region, ok := verify.ECRRegistry(repo.RegistryStr())
	if !ok {
		return c.other.Check(ctx, image)
	}
	r := verify.Result{Reference: ref.Name(), Registry: repo.RegistryStr(), Repository: repo.RepositoryStr(), Tag: ref.Identifier()}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	client, err := c.clients.ecrClient(ctx)
	if err != nil {
		return ecrFailed(r, c.now(), err)
	}
	id := ecrtypes.ImageIdentifier{ImageTag: aws.String(r.Tag)}
	if _, isDigest := ref.(name.Digest); isDigest {
		id = ecrtypes.ImageIdentifier{ImageDigest: aws.String(r.Tag)}
	}
	opt := func(o *ecr.Options) {
		o.Region = region
		o.RetryMaxAttempts = 1 // a throttled check is not asked again
	}
	out, err := client.DescribeImages(ctx, &ecr.DescribeImagesInput{RegistryId: aws.String(account), RepositoryName: aws.String(r.Repository),
		ImageIds: []ecrtypes.ImageIdentifier{id}}, opt)
	r.At = c.now()
	var notFound *ecrtypes.ImageNotFoundException
	var noRepo *ecrtypes.RepositoryNotFoundException
	switch {
	case err == nil && len(out.ImageDetails) > 0:
		img := out.ImageDetails[0]
		r.Kind, r.Status, r.Digest = verify.TagExists, http.StatusOK, aws.ToString(img.ImageDigest)
		r.LastPulled = aws.ToTime(img.LastRecordedPullTime)
		if img.ImageStatus == ecrtypes.ImageStatusArchived {
			r.Kind = verify.Archived
		}
	case errors.As(err, &noRepo):
		r.Kind, r.Status, r.Code = verify.RepoMissing, http.StatusBadRequest, noRepo.ErrorCode()
	case errors.As(err, &notFound), err == nil:
		// ImageNotFoundException names the repository: it exists.
		r.Kind, r.Status, r.Code = verify.TagMissing, http.StatusBadRequest, "ImageNotFoundException"
		r.Nearest = c.nearest(ctx, client, account, r, opt)
	default:
		return ecrFailed(r, c.now(), err)
	}
	return r
}

// nearest lists the repository's first page of tagged images for the tags
// closest to the missing one, newest pushes first among near ties.
func (c *ecrChecker) nearest(ctx context.Context, client *ecr.Client, account string, r verify.Result, opt func(*ecr.Options)) []string {
	out, err := client.DescribeImages(ctx, &ecr.DescribeImagesInput{RegistryId: aws.String(account), RepositoryName: aws.String(r.Repository),
		Filter: &ecrtypes.DescribeImagesFilter{TagStatus: ecrtypes.TagStatusTagged}, MaxResults: aws.Int32(1000)}, opt)
	if err != nil {
		return nil
	}
	var tags []string
	pushed := map[string]time.Time{}
	for _, img := range out.ImageDetails {
		for _, t := range img.ImageTags {
			tags = append(tags, t)
			pushed[t] = aws.ToTime(img.ImagePushedAt)
		}
	}
	return verify.Nearest(r.Tag, tags, pushed, 5)
}

// ecrFailed fills r for a check ECR did not answer conclusively.
func ecrFailed(r verify.Result, at time.Time, err error) verify.Result {
	r.At, r.Err = at, err
	var ae smithy.APIError
	if errors.As(err, &ae) {
		r.Code = ae.ErrorCode()
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		r.Status = re.HTTPStatusCode()
	}
	switch {
	case r.Code == "AccessDeniedException":
		r.Kind = verify.Denied
		r.Reason = "Tracegrid's role may not call ecr:DescribeImages on this repository (identity policy, or for another account's registry its repository policy)"
	case r.Code == "ThrottlingException" || r.Status == http.StatusTooManyRequests:
		r.Kind = verify.RateLimited
		r.Reason = "ECR throttled the check"
	case errors.Is(err, context.DeadlineExceeded):
		r.Kind = verify.Unreachable
		r.Reason = "ECR did not answer within the check's deadline"
	case r.Status >= 500 || r.Status == 0:
		r.Kind = verify.Unreachable
		r.Reason = "the ECR API could not be reached or failed"
		if r.Code != "" {
			r.Reason += " (" + r.Code + ")"
		}
	default:
		r.Kind = verify.Inconclusive
		r.Reason = "ECR answered " + r.Code
	}
	return r
}
