// Reload the check-in screen when the code rotates; without JavaScript the
// "Show the current code" link does the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-rotates-at]");
  if (!box) { return; }
  var rotatesAt = parseInt(box.getAttribute("data-rotates-at"), 10) * 1000;
  var wait = Math.max(rotatesAt - Date.now(), 0) + 1000;
  window.setTimeout(function () { window.location.reload(); }, wait);
})();
