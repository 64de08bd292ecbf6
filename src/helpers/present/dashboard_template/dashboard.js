document.addEventListener("DOMContentLoaded", function () {
  var table = document.getElementById("risk-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var service = document.getElementById("filter-service");
  var rag = document.getElementById("filter-rag");
  var shown = document.getElementById("shown-count");
  function filter() {
    var rows = Array.prototype.slice.call(body.rows), n = 0;
    rows.forEach(function (tr) {
      var ok = (!service.value || tr.dataset.service === service.value) && (!rag.value || tr.dataset.rag === rag.value);
      tr.hidden = !ok; if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " locations shown";
  }
  service.addEventListener("change", filter);
  rag.addEventListener("change", filter);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var numeric = th.dataset.type === "number";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[index], y = b.cells[index];
        var c = numeric ? parseFloat(x.dataset.value) - parseFloat(y.dataset.value)
                        : x.textContent.localeCompare(y.textContent);
        return ascending ? c : -c;
      });
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.forEach(function (tr) { body.appendChild(tr); });
    });
  });
});
