-- wrk script for benchmarks/verify_load.py: one request method and path, request bodies read
-- from a file (one JSON document a line) and sent in rotation, so the server sees many distinct
-- credentials rather than one. Each thread starts at a different place in the rotation.
--   wrk ... -s rotate.lua URL -- POST /credentials/verify bodies.jsonl
--   wrk ... -s rotate.lua URL -- GET /healthz
-- When done, prints one JSON line (prefixed "WRK-RESULT ") that the Python side reads.

local method, path, file
local prepared = {}
local count = 0
local position = 0
local thread_number = 0
local threads = {}

function setup(thread)
  thread_number = thread_number + 1
  thread:set("start_at", thread_number * 37)
  table.insert(threads, thread)
end

function init(args)
  method, path, file = args[1] or "GET", args[2] or "/", args[3]
  if file then
    local headers = { ["Content-Type"] = "application/json" }
    for line in io.lines(file) do
      if #line > 0 then
        count = count + 1
        prepared[count] = wrk.format(method, path, headers, line)
      end
    end
  else
    count = 1
    prepared[1] = wrk.format(method, path)
  end
  position = (start_at or 0) % count
end

function request()
  position = position % count + 1
  return prepared[position]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, errors.status, errors.connect,
    errors.read, errors.write, errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
