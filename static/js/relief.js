/* The relief dashboard's chart: aid paid per district (yuan, bars) and people helped (line). */
(function () {
  "use strict";
  var source = document.getElementById("relief-chart");
  var canvas = document.getElementById("reliefChart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.districts,
      datasets: [
        { label: "已发放金额（元）", data: data.paid, backgroundColor: "#0d6efd", yAxisID: "y" },
        { label: "已发放人数", data: data.people, type: "line", borderColor: "#c0392b", backgroundColor: "#c0392b",
          yAxisID: "people", tension: 0.2 }
      ]
    },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true },
      people: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 } } } }
  });
})();
