// Command local serves the GKE function under functions-framework-go on
// $PORT (default 8080), as the Cloud Functions runtime does, on 127.0.0.1
// only (set HOST to listen elsewhere: with a real Slack token it posts to
// Slack for anyone who can reach it):
//
//	PORT=8080 SLACK_WEBHOOK_URL=... go run ./functions/gke/cmd/local
//	curl -X POST localhost:8080 -H 'ce-specversion: 1.0' -H 'ce-type: google.cloud.pubsub.topic.v1.messagePublished' ...
package main

import (
	"log"
	"os"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"

	"github.com/tracegrid/tracegrid/functions/gke"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	// Serve Handler at "/" like the deployed function, whose runtime sets
	// FUNCTION_TARGET from GOOGLE_FUNCTION_TARGET.
	if os.Getenv("FUNCTION_TARGET") == "" {
		os.Setenv("FUNCTION_TARGET", gke.FunctionTarget)
	}
	if err := funcframework.StartHostPort(listenHost(os.Getenv), port); err != nil {
		log.Fatalf("functions framework: %v", err)
	}
}

// listenHost is $HOST, or the loopback address.
func listenHost(getenv func(string) string) string {
	if h := getenv("HOST"); h != "" {
		return h
	}
	return "127.0.0.1"
}
