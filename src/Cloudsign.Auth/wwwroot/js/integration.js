// The API Integration tab: copy buttons, the console that sends the real token request, and
// the curl line that repeats it.
(function () {
  "use strict";

  // A page that shows a new secret is the response to a POST. Replacing its history entry with
  // a plain GET of the tab makes a reload fetch the tab again instead of posting the form twice.
  if (document.getElementById("new-secret") && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }

  function textOf(element) {
    return element.tagName === "INPUT" || element.tagName === "TEXTAREA" ? element.value : element.textContent;
  }

  document.querySelectorAll("button[data-copy-from]").forEach(function (button) {
    button.addEventListener("click", async function () {
      const source = document.getElementById(button.getAttribute("data-copy-from"));
      const label = button.textContent;
      try {
        await navigator.clipboard.writeText(textOf(source));
        button.textContent = "Copied";
      } catch {
        // Without clipboard access, select the text so that the person can copy it by hand.
        if (source.select) {
          source.select();
        }
        button.textContent = "Press Ctrl+C";
      }
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });

  const send = document.getElementById("console-send");
  if (!send) {
    return;
  }

  const env = document.getElementById("console-env");
  const email = document.getElementById("console-email");
  const clientId = document.getElementById("console-client-id");
  const status = document.getElementById("console-status");
  const body = document.getElementById("console-body");
  const curl = document.getElementById("console-curl");
  const url = window.location.origin + "/api/v1/auth/api-access-token";

  // A secret typed before a reload must not come back from the browser's form restoration.
  clientId.value = "";

  function requestBody() {
    return JSON.stringify({ env: env.value, email: email.value, client_id: clientId.value });
  }

  // POSIX shell single quotes take everything literally except the quote itself.
  function shellQuote(text) {
    return "'" + text.replace(/'/g, "'\\''") + "'";
  }

  function renderCurl() {
    curl.textContent =
      "curl --request POST --url " + shellQuote(url) + " \\\n" +
      "  --header 'Content-Type: application/json' \\\n" +
      "  --data " + shellQuote(requestBody());
  }

  [env, email, clientId].forEach(function (field) {
    field.addEventListener("input", renderCurl);
    field.addEventListener("change", renderCurl);
  });
  renderCurl();

  send.addEventListener("click", async function () {
    send.disabled = true;
    status.textContent = "Sending…";
    body.textContent = "";
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: requestBody(),
        credentials: "same-origin",
        cache: "no-store",
      });
      const text = await response.text();
      status.textContent = "HTTP " + response.status + " " + response.statusText;
      status.className = response.ok ? "ok" : "failed";
      try {
        body.textContent = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        body.textContent = text;
      }
    } catch (error) {
      status.textContent = "The request failed before a response arrived: " + error.message;
      status.className = "failed";
    } finally {
      send.disabled = false;
    }
  });
})();
