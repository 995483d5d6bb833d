-- ingest_one.lua - wrk script: POST one JSON response per request to
-- /api/v1/responses (Content-Type application/json), each with a new id.
-- The body is built in request(); see common.lua for ids and the environment.
local dir = os.getenv("SRVBENCH_DIR") or error("SRVBENCH_DIR is not set")
dofile(dir .. "/common.lua")

local path = os.getenv("SRVBENCH_PATH") or "/api/v1/responses"
local headers = {
    ["Authorization"] = "Bearer " .. srv.key,
    ["Content-Type"] = "application/json",
}
local row, format = srv.row, wrk.format

function request()
    generated = generated + 1
    return format("POST", path, headers, row(generated))
end
