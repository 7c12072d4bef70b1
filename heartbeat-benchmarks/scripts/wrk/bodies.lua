-- wrk script: POSTs a distinct pre-signed body per request, read from BODIES (one JSON per line), to PATH.
-- Each wrk thread takes every THREADS-th body starting at its own index, so no body is sent twice.
-- Usage: BODIES=file PATH_=/v1/enroll wrk -t2 -c8 -d15s -s bodies.lua https://127.0.0.1:8443
local bodies = {}
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("BODIES")
  for line in io.lines(path) do
    bodies[#bodies + 1] = line
  end
  target = os.getenv("PATH_") or "/v1/enroll"
  close = os.getenv("CLOSE") == "1"
  nthreads = tonumber(os.getenv("THREADS") or "1")
  index = tid - 1
  sent = 0
  non200 = 0
end

function request()
  index = index + nthreads
  local body = bodies[(index % #bodies) + 1]
  local headers = { ["Content-Type"] = "application/json" }
  if close then
    headers["Connection"] = "close"
  end
  return wrk.format("POST", target, headers, body)
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if non200 <= 3 then
      io.stderr:write("status " .. status .. ": " .. string.sub(body, 1, 200) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local non = 0
  for _, t in ipairs(threads) do
    non = non + (t:get("non200") or 0)
  end
  io.write(string.format("non200 %d\n", non))
end
