-- Refresh with a fresh token on every request, because a spent token is reuse and revokes its
-- family. Each thread starts from its share of the pool in WRK_REFRESH_POOL (one token a line,
-- at least one per connection) and queues the refresh token of every 200 for a later request.
-- With an empty queue it sends no token, which the server rejects and wrk counts as non-2xx.

local next_thread_index = 0

function setup(thread)
  thread:set("thread_index", next_thread_index)
  next_thread_index = next_thread_index + 1
end

function init(args)
  queue, head, tail = {}, 1, 0
  local threads = tonumber(os.getenv("WRK_THREADS"))
  local line_number = 0
  for line in io.lines(os.getenv("WRK_REFRESH_POOL")) do
    if line_number % threads == thread_index then
      tail = tail + 1
      queue[tail] = line
    end
    line_number = line_number + 1
  end
end

function request()
  local token = ""
  if head <= tail then
    token = queue[head]
    queue[head] = nil
    head = head + 1
  end
  return wrk.format("POST", "/api/v1/auth/refresh", { ["Authorization"] = "Bearer " .. token }, nil)
end

function response(status, headers, body)
  if status == 200 then
    local token = body:match('"refresh_token":"([^"]+)"')
    if token then
      tail = tail + 1
      queue[tail] = token
    end
  end
end
