// Enhancements only: the pages work without this file.
(function () {
  "use strict";

  // "Copy link" buttons next to read-only inputs.
  document.querySelectorAll(".copy-button").forEach(function (button) {
    var input = document.getElementById(button.dataset.copy);
    if (!input || !navigator.clipboard) { return; }
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = "\u2713 " + label;
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });

  // Issuance progress: poll the API instead of reloading the whole page.
  var job = document.getElementById("job");
  if (!job || job.dataset.finished === "1" || !window.fetch) { return; }
  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (refresh) { refresh.parentNode.removeChild(refresh); }
  var bar = document.getElementById("job-progress");
  function poll() {
    fetch(job.dataset.jobUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        job.querySelector(".job-done").textContent = data.done;
        job.querySelector(".job-total").textContent = data.total;
        bar.max = Math.max(data.total, 1);
        bar.value = data.done;
        if (data.state === "done" || data.state === "failed") {
          window.location.reload();
        } else {
          setTimeout(poll, 1500);
        }
      })
      .catch(function () { setTimeout(function () { window.location.reload(); }, 3000); });
  }
  setTimeout(poll, 1000);
})();
