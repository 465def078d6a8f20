/* Draws the market view's charts with the vendored Chart.js (static/vendor/chartjs). Each figure names the
   <script type="application/json"> block that holds its data (data-chart); the table beside it says the same,
   so without script nothing is lost. No inline script, no CDN: a strict Content-Security-Policy allows this. */
(function () {
  "use strict";
  if (!window.Chart) { return; }
  // Digits grouped with the page's own separators (Django's formats), so an axis reads like the table below it.
  var decimalMark = document.body.getAttribute("data-decimal") || ".";
  var groupMark = document.body.getAttribute("data-thousands") || ",";
  function grouped(value, decimals) {
    var parts = Math.abs(value).toFixed(decimals).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, groupMark);
    return (value < 0 ? "\u2212" : "") + whole + (parts[1] ? decimalMark + parts[1] : "");
  }
  var money = { format: function (v) { return grouped(v, 0); } };
  var percent = { format: function (v) { return grouped(v, Number.isInteger(v) ? 0 : 1); } };
  var palette = ["#0b4f8a", "#b35900", "#1d7a3a", "#6b3fa0", "#a3153c", "#00727a", "#7a6000", "#4a4a4a",
                 "#2f6fd0", "#d0702f", "#3fa062", "#9c6fd0"];
  function format(spec, value) { return spec.percent ? percent.format(value) + " %" : money.format(value); }
  document.querySelectorAll("figure.js-chart[data-chart]").forEach(function (figure) {
    var source = document.getElementById(figure.getAttribute("data-chart"));
    var canvas = figure.querySelector("canvas");
    if (!source || !canvas) { return; }
    var spec = JSON.parse(source.textContent);
    var box = figure.querySelector(".chart-box");
    if (spec.horizontal) {  // one row per bar, whatever the screen's width
      box.style.height = Math.max(8, spec.labels.length * 2.2 + 3) + "rem";
    }
    var datasets = spec.datasets.map(function (d, i) {
      var colour = spec.horizontal ? palette[0] : palette[i % palette.length];
      return { label: d.label, data: d.data, backgroundColor: colour, borderColor: colour, borderWidth: 2,
               pointRadius: spec.kind === "line" ? 2 : 0, tension: 0 };
    });
    var valueAxis = { beginAtZero: true, stacked: !!spec.stacked, max: spec.stacked ? 100 : undefined,
                      ticks: { callback: function (v) { return format(spec, v); } } };
    var labelAxis = { stacked: !!spec.stacked, ticks: { autoSkip: !spec.horizontal } };
    new window.Chart(canvas, {
      type: spec.kind,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: spec.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: { callbacks: { label: function (c) {
            return (datasets.length > 1 ? c.dataset.label + ": " : "") + format(spec, c.parsed[spec.horizontal ? "x" : "y"]);
          } } }
        }
      }
    });
  });
}());
