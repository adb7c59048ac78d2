"""Runs many invocations of a Python CLI (aws or az) in one interpreter.

The test starts one of these per CLI instead of one process per command:
on a loaded machine each aws or az start costs seconds of CPU. Each
invocation goes through the CLI's own entry point, as /usr/bin/aws
(awscli.clidriver.main) and /usr/bin/az (azure.cli.core's invoke) call it,
with file descriptors 0, 1 and 2 redirected, so everything the CLI writes,
logging included, is captured.

Input, one JSON object per line: {"argv": [...], "stdin": "..."}.
Output, one JSON object per line: {"code": N, "stdout": "...", "stderr": "..."}.
"""
import json
import os
import sys
import tempfile


def run_aws(argv):
    import awscli.clidriver
    return awscli.clidriver.create_clidriver().main(argv)


def run_az(argv):
    from azure.cli.core import get_default_cli
    return get_default_cli().invoke(argv)


def main():
    run = {"aws": run_aws, "az": run_az}[sys.argv[1]]
    reply = os.fdopen(os.dup(1), "w")
    for line in os.fdopen(os.dup(0)):
        req = json.loads(line)
        files = [tempfile.TemporaryFile() for _ in range(3)]
        files[0].write(req.get("stdin", "").encode())
        files[0].seek(0)
        saved = [os.dup(fd) for fd in range(3)]
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, f in enumerate(files):
            os.dup2(f.fileno(), fd)
        try:
            code = run(req["argv"])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException as e:  # the CLI's own crash is a result too
            print("clidriver: %s: %s" % (type(e).__name__, e), file=sys.stderr)
            code = 255
        sys.stdout.flush()
        sys.stderr.flush()
        for fd in range(3):
            os.dup2(saved[fd], fd)
            os.close(saved[fd])
        out = []
        for f in files[1:]:
            f.seek(0)
            out.append(f.read().decode("utf-8", "replace"))
            f.close()
        reply.write(json.dumps({"code": code if code is not None else 0, "stdout": out[0], "stderr": out[1]}) + "\n")
        reply.flush()


if __name__ == "__main__":
    main()
