// Shows a "Print this page" button (progressive enhancement: the browser's own Print works too).
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (!button || !window.print) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
