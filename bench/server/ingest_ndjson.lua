-- ingest_ndjson.lua - wrk script: POST NDJSON batches (Content-Type
-- application/x-ndjson) of SRVBENCH_BATCH responses (default 1000) to
-- /api/v1/responses, every row with a new id. Each body is built in request();
-- response() reads the batch summary so done() can print how many rows the
-- server stored and rejected.
local dir = os.getenv("SRVBENCH_DIR") or error("SRVBENCH_DIR is not set")
dofile(dir .. "/common.lua")

local path = os.getenv("SRVBENCH_PATH") or "/api/v1/responses"
local batch = tonumber(os.getenv("SRVBENCH_BATCH") or "1000")
local headers = {
    ["Authorization"] = "Bearer " .. srv.key,
    ["Content-Type"] = "application/x-ndjson",
}
local row, format, concat = srv.row, wrk.format, table.concat
local lines = {}

function request()
    for i = 1, batch do
        generated = generated + 1
        lines[i] = row(generated)
    end
    lines[batch + 1] = "" -- trailing newline
    return format("POST", path, headers, concat(lines, "\n", 1, batch + 1))
end

-- Only for cxpulse's answers: {"inserted":N,"unchanged":N,"updated":N,"rejected":N,...}
-- (the per-row "results" carry "result":"inserted" as a value, never as a key).
local check = os.getenv("SRVBENCH_CHECK_BODY") == "1"
if check then
    function response(status, hdrs, body)
        if status < 200 or status > 299 then return end
        local ins = tonumber(body:match('"inserted":(%d+)'))
        local unch = tonumber(body:match('"unchanged":(%d+)'))
        local upd = tonumber(body:match('"updated":(%d+)'))
        local rej = tonumber(body:match('"rejected":(%d+)'))
        if not (ins and unch and upd and rej) then
            badbody = badbody + 1
            return
        end
        stored = stored + ins + unch + upd
        rejected = rejected + rej
    end
end
