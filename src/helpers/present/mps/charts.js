// Draws every chart of the statement: each <script class="chart-spec"> holds one figure's data and layout as JSON;
// the layout template (MPS_TEMPLATE) is shared, defined once in the page's header. Charts take their container's
// width, and the toolbar offers only "download as PNG".
(function () {
  "use strict";
  var CONFIG = {displaylogo: false, responsive: true, modeBarButtons: [["toImage"]]};
  // The title over as many lines as the width needs (plotly.js does not wrap titles; a long one is cut off).
  function wrap(text, chars) {
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > chars) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines;
  }
  function draw(spec, target) {
    var layout = spec.layout;
    layout.template = window.MPS_TEMPLATE;
    layout.autosize = true;
    var width = target.clientWidth;
    if (width < 560) {  // a phone: smaller text and margins so the plot keeps most of the width
      layout.font = Object.assign({}, layout.font, {size: 11});
      layout.margin = Object.assign({}, layout.margin, {l: Math.min((layout.margin || {}).l || 60, 50), r: 10});
    }
    var title = layout.title && layout.title.text;
    if (title) {
      var lines = wrap(title, Math.max(20, Math.floor(width / (width < 560 ? 8 : 9.5))));
      layout.title = Object.assign({}, layout.title, {text: lines.join("<br>")});
      layout.margin = Object.assign({}, layout.margin);
      var legendAbove = layout.legend && layout.legend.yanchor === "bottom" && layout.legend.y >= 1 ? (width < 560 ? 90 : 50) : 0;
      layout.margin.t = Math.max(layout.margin.t || 60, 30 + 20 * lines.length + legendAbove);
      layout.height = (layout.height || 400) + 20 * (lines.length - 1);
    }
    var config = Object.assign({}, CONFIG, {toImageButtonOptions: {filename: target.id.replace(/-plot$/, "")}});
    Plotly.newPlot(target, spec.data, layout, config);
  }
  function drawAll() {
    var specs = document.querySelectorAll("script.chart-spec");
    for (var i = 0; i < specs.length; i++) {
      var target = document.getElementById(specs[i].getAttribute("data-target"));
      if (target) {
        draw(JSON.parse(specs[i].textContent), target);
      }
    }
    var toc = document.querySelector("details.toc");
    if (toc && window.matchMedia("(min-width: 70rem)").matches) {
      toc.open = true;  // wide screens: contents beside the text, open; narrow screens: collapsed above it
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
