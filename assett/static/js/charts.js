// Draws every Plotly figure whose JSON sits in a data-plotly attribute (no inline script).
// For print, each chart is redrawn at the width of an A4 page and the data tables are opened,
// then both are given back as they were.
(function () {
  "use strict";
  var PRINT_WIDTH = 640; // px: A4 (794 px) minus the print margins, with room to spare
  var opened = [];

  function charts() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-plotly-ready]"));
  }

  function draw() {
    if (typeof window.Plotly === "undefined") { return; }
    document.querySelectorAll("[data-plotly]").forEach(function (el) {
      var figure;
      try { figure = JSON.parse(el.getAttribute("data-plotly")); } catch (e) { return; }
      var config = Object.assign({ displaylogo: false, responsive: true }, figure.config || {});
      window.Plotly.newPlot(el, figure.data || [], figure.layout || {}, config).then(function () {
        el.setAttribute("data-plotly-ready", "1");
        if (printing) { fitForPrint(true); }
      });
    });
  }

  var printing = false;
  function fitForPrint(on) {
    printing = on;
    if (typeof window.Plotly === "undefined") { return; }
    charts().forEach(function (el) {
      window.Plotly.relayout(el, on ? { width: PRINT_WIDTH, autosize: false } : { width: null, autosize: true });
    });
    if (on) {
      document.querySelectorAll("details.data-table:not([open])").forEach(function (details) {
        details.setAttribute("open", "");
        opened.push(details);
      });
    } else {
      opened.forEach(function (details) { details.removeAttribute("open"); });
      opened = [];
    }
  }

  if (window.matchMedia) {
    var print = window.matchMedia("print");
    var onChange = function (event) { if (event.matches !== printing) { fitForPrint(event.matches); } };
    if (print.addEventListener) { print.addEventListener("change", onChange); } else { print.addListener(onChange); }
  }
  window.addEventListener("beforeprint", function () { if (!printing) { fitForPrint(true); } });
  window.addEventListener("afterprint", function () { if (printing) { fitForPrint(false); } });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
