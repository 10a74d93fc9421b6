// The asking page: ask the verifier every few seconds whether the worker's wallet has answered,
// and show the result as soon as it has. Without JavaScript the "Check for the answer" button
// does the same by reloading the page.
(function () {
  "use strict";
  var box = document.getElementById("oid4vp-waiting");
  if (!box || !window.fetch) { return; }
  var statusUrl = box.getAttribute("data-status-url");
  var message = document.getElementById("oid4vp-message");
  var stopped = false;

  function poll() {
    if (stopped) { return; }
    window.fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { stopped = true; return; }
        if (status.answered && status.result_url) {
          stopped = true;
          if (message) { message.textContent = "The answer has arrived. Opening the result."; }
          window.location.assign(status.result_url);
        } else if (status.expired) {
          stopped = true;
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (message) { message.textContent = "Waiting for the worker's wallet to answer. This page will show the result by itself."; }
  window.setTimeout(poll, 2000);
})();
