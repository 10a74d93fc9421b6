// The asking page: ask the verifier every few seconds whether the worker's wallet has answered,
// and show the result as soon as it has. Without JavaScript the "Check for the answer" button
// does the same by reloading the page.
// Messages in the page's language: passport_web/i18n.py puts their translations in the page.
function passportWord(text) {
  const data = document.getElementById("passport-words");
  try { return (data && JSON.parse(data.textContent)[text]) || text; } catch (error) { return text; }
}
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
          if (message) { message.textContent = passportWord("The answer has arrived. Opening the result."); }
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
  if (message) { message.textContent = passportWord("Waiting for the worker's wallet to answer. This page will show the result by itself."); }
  window.setTimeout(poll, 2000);
})();
