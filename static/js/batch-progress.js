// The sales-batch page while the batch is processed: poll its progress, then show the report.
// A static file (no inline script) so that the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");
  var words = box.dataset;
  function say(state) {
    if (state.phase === "storing") {
      // Reading is done; storing is one transaction whose progress cannot be measured: no fake 99 %.
      bar.removeAttribute("value");
      return state.records + " " + words.recordsRead + " · " + words.storing;
    }
    if (state.phase === "waiting") {
      bar.value = 0;
      return words.waiting;
    }
    bar.value = state.percent;
    return state.percent + " % · " + state.records + " " + words.recordsRead;
  }
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (state) {
        text.textContent = say(state);
        if (state.running) { setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
