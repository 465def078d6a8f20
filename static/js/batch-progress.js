// The batch page's progress bar: polls the batch's progress URL until the worker is done, then reloads.
// A static file, not an inline script, so that the Content-Security-Policy can forbid inline scripts.
(function () {
  const box = document.getElementById("progress");
  const bar = document.getElementById("progress-bar");
  const text = document.getElementById("progress-text");
  async function poll() {
    const state = await (await fetch(box.dataset.url, {credentials: "same-origin"})).json();
    bar.value = state.percent;
    text.textContent = state.percent + "% · " + state.records + " " + box.dataset.recordsRead + " · " + state.phase;
    if (state.running) { setTimeout(poll, 1000); } else { window.location.reload(); }
  }
  poll();
})();
