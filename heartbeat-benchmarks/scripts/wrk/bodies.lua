-- wrk script: POSTs a distinct pre-signed body per request, read from BODIES (one JSON per line), to PATH.
-- Each wrk thread takes every THREADS-th body starting at its own index, so no body is sent twice while the file
-- lasts; a body sent again (the file ran out) is counted and printed as "resent N" at the end.
-- With RESPONSES set, each thread appends the body of every 200 answer to RESPONSES.<thread> (one per line), and
-- with SENT set, done() writes which bodies each thread sent ("thread first last step", 0-based line numbers): from
-- both, WrkFixture.java builds the next renewal bodies from the agents the runs enrolled or renewed, with the
-- credentials the server gave them, leaving out an agent whose last request is in doubt (sent, answer not recorded).
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
  first = index + nthreads
  resent = 0
  non200 = 0
  local responses = os.getenv("RESPONSES")
  if responses and responses ~= "" then
    out = io.open(responses .. "." .. tid, "a")
  end
end

function request()
  index = index + nthreads
  if index >= #bodies then
    resent = resent + 1
  end
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
  elseif out then
    -- buffered; flushed when wrk exits
    out:write((string.gsub(body, "\n", " ")), "\n")
  end
end

function done(summary, latency, requests)
  local non, again = 0, 0
  local sent = os.getenv("SENT")
  local f = sent and sent ~= "" and io.open(sent, "w") or nil
  for _, t in ipairs(threads) do
    non = non + (t:get("non200") or 0)
    again = again + (t:get("resent") or 0)
    if f then
      f:write(string.format("%d %d %d %d\n", t:get("tid"), t:get("first"), t:get("index"), t:get("nthreads")))
    end
  end
  if f then
    f:close()
  end
  io.write(string.format("non200 %d\n", non))
  io.write(string.format("resent %d\n", again))
end
