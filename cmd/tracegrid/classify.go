package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// maxLine bounds one JSON Lines input line; longer lines are reported as an
// error line instead of being buffered without limit.
const maxLine = 1 << 20

// classifyInput is one input line; other fields are ignored.
type classifyInput struct {
	Platform failure.Platform `json:"platform"`
	Message  string           `json:"message"`
}

// classifyOutput is one output line.
type classifyOutput struct {
	Line       int                 `json:"line,omitempty"`
	Cause      classify.Cause      `json:"cause,omitempty"`
	Title      string              `json:"title,omitempty"`
	Confidence classify.Confidence `json:"confidence,omitempty"`
	RunnerUp   classify.Cause      `json:"runner_up,omitempty"`
	Evidence   string              `json:"evidence,omitempty"`
	Error      string              `json:"error,omitempty"`
}

// errBadLines reports that some lines could not be classified; each of them
// got an error line in the output, in order.
var errBadLines = errors.New("some input lines were not classified")

func classifyCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("classify")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: classify reads stdin and takes no arguments", errUsage)
	}
	in := bufio.NewReaderSize(stdin, 64<<10)
	out := bufio.NewWriterSize(stdout, 64<<10)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	lines, bad := 0, 0
	for physical := 1; ; physical++ { // errors name the line an editor shows
		line, tooLong, err := readLine(in)
		if err == io.EOF && line == nil && !tooLong {
			break
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("reading stdin: %w", err)
		}
		if !tooLong && len(bytes.TrimSpace(line)) == 0 {
			if err == io.EOF {
				break
			}
			continue // blank lines are not inputs
		}
		lines++
		res, lineErr := classifyLine(line, tooLong)
		if lineErr != nil {
			bad++
			res = classifyOutput{Line: physical, Error: lineErr.Error()}
			fmt.Fprintf(stderr, "tracegrid classify: line %d: %v\n", physical, lineErr)
		}
		if err := enc.Encode(res); err != nil {
			return err
		}
		if err == io.EOF {
			break
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if lines == 0 {
		return errors.New("classify: no input: expected JSON Lines such as {\"platform\":\"ecs\",\"message\":\"...\"} on stdin")
	}
	if bad > 0 {
		return fmt.Errorf("%w: %d of %d", errBadLines, bad, lines)
	}
	return nil
}

// classifyLine classifies one input line.
func classifyLine(line []byte, tooLong bool) (classifyOutput, error) {
	if tooLong {
		return classifyOutput{}, fmt.Errorf("line longer than %d bytes", maxLine)
	}
	var in classifyInput
	if err := json.Unmarshal(line, &in); err != nil {
		return classifyOutput{}, fmt.Errorf("not a JSON object: %v", err)
	}
	if in.Message == "" {
		return classifyOutput{}, errors.New(`no "message" field`)
	}
	d := classify.Text(in.Platform, in.Message)
	return classifyOutput{Cause: d.Cause, Title: d.Title, Confidence: d.Confidence, RunnerUp: d.RunnerUp, Evidence: d.Evidence}, nil
}

// readLine returns the next line without its newline. When the line exceeds
// maxLine, the rest of it is discarded and tooLong is set.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		chunk, isPrefix, err := r.ReadLine()
		if err != nil {
			if len(line) > 0 || tooLong {
				return line, tooLong, io.EOF
			}
			return nil, false, err
		}
		if !tooLong {
			if len(line)+len(chunk) > maxLine {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if !isPrefix {
			if line == nil && !tooLong {
				line = []byte{}
			}
			return line, tooLong, nil
		}
	}
}
