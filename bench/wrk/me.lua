-- The protected resource, with the access token from WRK_ACCESS_TOKEN (off the command line).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("WRK_ACCESS_TOKEN")
