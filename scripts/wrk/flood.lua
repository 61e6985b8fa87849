-- One client (one X-Forwarded-For address) sending as fast as it can:
-- WRK_FLOOD=suggest (JSON suggestions) or login (wrong passwords).
-- Counts the answers; every 429 must carry Retry-After.
local kind = os.getenv("WRK_FLOOD") or "suggest"
wrk.method = "POST"
wrk.headers["X-Forwarded-For"] = "203.0.113.66"
if kind == "login" then
  wrk.path = "/login"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.body = "username=flood-target&password=not+the+password&next=%2Freview"
else
  wrk.path = "/api/v1/suggestions"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"category":"seating","title":"洪水里的一条建议","lat":30.6291,"lng":104.0591}'
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

limited, accepted, other, missing_retry_after = 0, 0, 0, 0
function response(status, headers, body)
  if status == 429 then
    limited = limited + 1
    if headers["Retry-After"] == nil and headers["retry-after"] == nil then
      missing_retry_after = missing_retry_after + 1
    end
  elseif status < 400 then
    accepted = accepted + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local l, a, o, m = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    l = l + t:get("limited"); a = a + t:get("accepted")
    o = o + t:get("other"); m = m + t:get("missing_retry_after")
  end
  io.write(string.format("flood %s: %d answers, %d accepted, %d x 429 (%d without Retry-After), %d other\n",
    kind, l + a + o, a, l, m, o))
end
