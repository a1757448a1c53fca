// Draws every Plotly figure whose JSON sits in a data-plotly attribute (no inline script).
(function () {
  "use strict";
  function draw() {
    if (typeof window.Plotly === "undefined") { return; }
    document.querySelectorAll("[data-plotly]").forEach(function (el) {
      var figure;
      try { figure = JSON.parse(el.getAttribute("data-plotly")); } catch (e) { return; }
      var config = Object.assign({ displaylogo: false, responsive: true }, figure.config || {});
      window.Plotly.newPlot(el, figure.data || [], figure.layout || {}, config).then(function () {
        el.setAttribute("data-plotly-ready", "1");
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
