/* Charts of the reports overview. Data comes from <script type="application/json" id="overview-data">. */
(function () {
  "use strict";
  var source = document.getElementById("overview-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var red = "#c0392b";
  var bars = document.getElementById("districtChart");
  if (bars) {
    new Chart(bars, {
      type: "bar",
      data: {
        labels: data.districts,
        datasets: [
          { label: data.indicator, data: data.values, backgroundColor: red, yAxisID: "y" },
          { label: "按时率（%）", data: data.on_time, type: "line", borderColor: "#2e86c1", backgroundColor: "#2e86c1",
            yAxisID: "rate", tension: 0.2 }
        ]
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          y: { beginAtZero: true, position: "left" },
          rate: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } }
        }
      }
    });
  }
  var trend = document.getElementById("trendChart");
  if (trend) {
    new Chart(trend, {
      type: "line",
      data: { labels: data.trend_labels,
              datasets: [{ label: data.indicator, data: data.trend_values, borderColor: red, backgroundColor: red,
                           tension: 0.25, fill: false }] },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
    });
  }
})();
