-- The token request. The body comes from WRK_BODY, so the key's secret stays off the command line.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/json"
