// Move focus to the result heading so screen readers read the verdict as soon as the page loads.
(function () {
  "use strict";
  var heading = document.getElementById("result-heading");
  if (heading) { heading.focus(); }
})();
