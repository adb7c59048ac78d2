package ecs

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecssdk "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// awsClients creates the SDK clients on first use, from the default
// credential chain and the SDK's own environment (AWS_REGION,
// AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, ...). A failed
// load is retried on the next call.
type awsClients struct {
	opts []func(*config.LoadOptions) error

	mu   sync.Mutex
	cfg  *aws.Config
	ecs  *ecssdk.Client
	logs *cloudwatchlogs.Client
	ecr  *ecr.Client
}

// sdkRetryAttempts bounds SDK retries: enrichment is best effort and the
// Lambda itself is retried when delivery fails.
const sdkRetryAttempts = 2

func newAWSClients(opts ...func(*config.LoadOptions) error) *awsClients {
	return &awsClients{opts: append([]func(*config.LoadOptions) error{config.WithRetryMaxAttempts(sdkRetryAttempts)}, opts...)}
}

func (c *awsClients) config(ctx context.Context) (aws.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cfg != nil {
		return *c.cfg, nil
	}
	cfg, err := config.LoadDefaultConfig(ctx, c.opts...)
	if err != nil {
		return aws.Config{}, err
	}
	c.cfg = &cfg
	return cfg, nil
}

func (c *awsClients) ecsClient(ctx context.Context) (*ecssdk.Client, error) {
	return cached(ctx, c, &c.ecs, func(cfg aws.Config) *ecssdk.Client { return ecssdk.NewFromConfig(cfg) })
}

func (c *awsClients) logsClient(ctx context.Context) (*cloudwatchlogs.Client, error) {
	return cached(ctx, c, &c.logs, func(cfg aws.Config) *cloudwatchlogs.Client { return cloudwatchlogs.NewFromConfig(cfg) })
}

func (c *awsClients) ecrClient(ctx context.Context) (*ecr.Client, error) {
	return cached(ctx, c, &c.ecr, func(cfg aws.Config) *ecr.Client { return ecr.NewFromConfig(cfg) })
}

// cached returns the client in slot, creating it from the loaded config on
// first use.
func cached[T any](ctx context.Context, c *awsClients, slot **T, newClient func(aws.Config) *T) (*T, error) {
	cfg, err := c.config(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if *slot == nil {
		*slot = newClient(cfg)
	}
	return *slot, nil
}

// secretsClient and dynamoClient are used once per cold start, so they are
// not cached.
func (c *awsClients) secretsClient(ctx context.Context) (*secretsmanager.Client, error) {
	cfg, err := c.config(ctx)
	if err != nil {
		return nil, err
	}
	return secretsmanager.NewFromConfig(cfg), nil
}

func (c *awsClients) dynamoClient(ctx context.Context) (*dynamodb.Client, error) {
	cfg, err := c.config(ctx)
	if err != nil {
		return nil, err
	}
	return dynamodb.NewFromConfig(cfg), nil
}
