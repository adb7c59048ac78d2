package customhandler

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tracegrid/tracegrid/internal/testevents"
)

func TestParseRequestRealSamples(t *testing.T) {
	tests := []struct {
		file, binding, startsWith string
	}{
		{"azure-functions-custom-handler.request.queueTrigger.azure-docs.json", "myQueueItem", "{ message"},
		{"azure-functions-custom-handler.request.eventGridTrigger.DERIVED.json", "eventGridEvent", `{`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := ParseRequest(testevents.Read(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			v, ok := r.Binding(tt.binding)
			if !ok || !strings.HasPrefix(string(v), tt.startsWith) || r.Metadata["sys"] == nil {
				t.Errorf("binding %q (%v), metadata %s", v, ok, r.Metadata["sys"])
			}
		})
	}
}

func TestEventGridEventIsNotAnEnvelope(t *testing.T) {
	// encoding/json would match "data" to a field named Data; IsRequest must not.
	for _, f := range []string{
		"azure-eventgrid.ResourceWriteFailure.eventgrid-schema.azure-rest-api-specs.json",
		"azure-eventgrid.ResourceWriteFailure.cloudevents-schema.azure-rest-api-specs.json",
	} {
		if IsRequest(testevents.Read(t, f)) {
			t.Errorf("%s taken for an envelope", f)
		}
	}
	for _, body := range []string{`[]`, `{"Data":"x"}`, `{"Data":null}`, `nope`} {
		if _, err := ParseRequest([]byte(body)); err == nil {
			t.Errorf("%s accepted", body)
		}
	}
}

func TestBindingUnwrapsAJSONString(t *testing.T) {
	r, err := ParseRequest([]byte(`{"Data":{"e":"{\"id\":\"1\"}","n":42},"Metadata":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := r.Binding("e"); string(v) != `{"id":"1"}` {
		t.Errorf("string binding %s", v)
	}
	if v, _ := r.Binding("n"); string(v) != `42` {
		t.Errorf("number binding %s", v)
	}
	if _, ok := r.Binding("missing"); ok {
		t.Error("missing binding found")
	}
}

func TestResponseShape(t *testing.T) {
	rec := httptest.NewRecorder()
	(&Response{}).Write(rec, 200)
	if got := strings.TrimSpace(rec.Body.String()); got != `{"Outputs":{},"Logs":[],"ReturnValue":null}` {
		t.Errorf("empty response %s", got)
	}
	rec = httptest.NewRecorder()
	r := &Response{}
	r.Logf("reported %s", "x")
	r.Write(rec, 500)
	var back map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &back); err != nil || rec.Code != 500 || back["Logs"].([]any)[0] != "reported x" {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}

// FuzzParseRequest checks the envelope decoder never panics and that an
// accepted envelope's bindings can all be read.
func FuzzParseRequest(f *testing.F) {
	f.Add(testevents.Read(f, "azure-functions-custom-handler.request.queueTrigger.azure-docs.json"))
	f.Add(testevents.Read(f, "azure-functions-custom-handler.request.eventGridTrigger.DERIVED.json"))
	f.Add([]byte(`{"Data":{"eventGridEvent":"{\"id\":\"1\"}"},"Metadata":{"sys":{"MethodName":"AciEvent"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseRequest(body)
		if err != nil {
			return
		}
		for name := range r.Data {
			if _, ok := r.Binding(name); !ok {
				t.Fatalf("binding %q listed but not readable", name)
			}
		}
	})
}

// The invocation's log lines go to Application Insights: they are redacted
// like every other log line (issue 13, finding 17).
func TestWriteRedactsLogs(t *testing.T) {
	var r Response
	r.Logf("tracegrid: could not read https://acct.blob.core.windows.net/c?sig=Zm9vYmFyYmF6cXV4MTIz%%3D with AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==")
	rec := httptest.NewRecorder()
	r.Write(rec, 200)
	if body := rec.Body.String(); strings.Contains(body, "Zm9vYmFyYmF6cXV4MTIz") || !strings.Contains(body, "could not read") {
		t.Errorf("response body %s", body)
	}
}
