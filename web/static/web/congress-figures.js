/* 提案工作统计 charts: data from the page's <script type="application/json" id="figures-data">
   (json_script), drawn with the vendored ECharts. No inline script: the CSP forbids it. */
(function () {
  "use strict";
  var RED = "#c8161d", COLOURS = ["#c8161d", "#e6a23c", "#909399", "#2e7d32", "#1565c0"];

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ color: COLOURS, animation: false }, option));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var source = document.getElementById("figures-data");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    draw("chart-outcome", {
      tooltip: { trigger: "item", formatter: "{b}：{c} 件（{d}%）" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"], data: data.outcome,
                 label: { position: "inside", formatter: "{c}", color: "#fff", fontWeight: "bold" } }]
    });
    draw("chart-rates", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      xAxis: { type: "category", data: data.rates.map(function (r) { return r.name; }) },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ type: "bar", barWidth: "45%", itemStyle: { color: RED },
                 label: { show: true, position: "top", formatter: function (p) { return p.value + "%"; } },
                 data: data.rates.map(function (r) { return r.value; }) }]
    });
    var d = data.departments;
    draw("chart-departments", {
      tooltip: { trigger: "axis" }, legend: { bottom: 0 },
      grid: { left: 80, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: d.names },
      series: [
        { name: "按期答复", type: "bar", stack: "all", barMaxWidth: 28, data: d.on_time, itemStyle: { color: "#2e7d32" } },
        { name: "逾期答复", type: "bar", stack: "all", data: d.late, itemStyle: { color: "#e6a23c" } },
        { name: "逾期未复", type: "bar", stack: "all", data: d.overdue, itemStyle: { color: RED } }
      ]
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
