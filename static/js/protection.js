/* The protection dashboard's chart: open hazards by level per district, stacked. */
(function () {
  "use strict";
  var source = document.getElementById("protection-chart");
  var canvas = document.getElementById("hazardChart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.districts,
      datasets: [
        { label: "一般", data: data.general, backgroundColor: "#adb5bd", stack: "open" },
        { label: "较大", data: data.serious, backgroundColor: "#f0a202", stack: "open" },
        { label: "重大", data: data.major, backgroundColor: "#c0392b", stack: "open" },
        { label: "其中逾期", data: data.overdue, type: "line", borderColor: "#6f42c1", backgroundColor: "#6f42c1",
          tension: 0.2 }
      ]
    },
    options: { maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true,
      ticks: { precision: 0 } } } }
  });
})();
