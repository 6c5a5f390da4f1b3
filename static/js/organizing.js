/* Coverage chart. Data comes from <script type="application/json" id="coverage-data">. */
(function () {
  "use strict";
  var source = document.getElementById("coverage-data");
  var canvas = document.getElementById("coverageChart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "建会率（%）", data: data.union_rate, backgroundColor: "#c0392b" },
        { label: "职工覆盖率（%）", data: data.employee_rate, backgroundColor: "#2e86c1" }
      ]
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, max: 100 } } }
  });
})();
