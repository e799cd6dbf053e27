/* 数据看板 charts: data from the page's <script type="application/json" id="dashboard-data">
   (json_script), drawn with the vendored ECharts — no inline script, the CSP forbids it.
   Every chart is a horizontal bar chart with one bar row per school (long school names read on a
   phone too), its series stacked (members by employment type) or side by side. The same figures
   are in the table under each chart. */
(function () {
  "use strict";
  var COLOURS = ["#c8161d", "#1565c0", "#e6a23c", "#2e7d32", "#8e24aa", "#909399"];
  var charts = [];

  function formatter(unit) {
    if (unit === "元") {
      return function (v) {
        return v === null || v === undefined ? "—" : "¥" + Number(v).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      };
    }
    if (unit === "%") return function (v) { return v === null || v === undefined ? "—" : v + "%"; };
    return function (v) { return v === null || v === undefined ? "—" : v + " " + unit; };
  }

  function axisLabel(unit) {
    if (unit === "元") {
      return function (v) { return v >= 10000 ? (v / 10000) + "万" : v; };
    }
    if (unit === "%") return "{value}%";
    return "{value}";
  }

  function draw(chart) {
    var el = document.getElementById("chart-" + chart.key);
    if (!el || !window.echarts) return;
    var rows = chart.schools.length;
    var bars = chart.stacked ? 1 : chart.series.length;
    el.style.height = Math.max(220, 90 + rows * Math.max(34, bars * 16)) + "px";
    var show = formatter(chart.unit);
    var instance = window.echarts.init(el, null, { renderer: "svg" });
    instance.setOption({
      color: COLOURS, animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: show },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 8, right: 48, top: 12, bottom: 40, containLabel: true },
      xAxis: { type: "value", max: chart.unit === "%" ? 100 : null, minInterval: chart.unit === "元" ? 0 : 1,
               axisLabel: { formatter: axisLabel(chart.unit) } },
      yAxis: { type: "category", inverse: true, data: chart.schools,
               axisLabel: { width: 96, overflow: "truncate" } },
      series: chart.series.map(function (s) {
        return { name: s.name, type: "bar", stack: chart.stacked ? "all" : null, barMaxWidth: 22, data: s.data,
                 label: { show: !chart.stacked && chart.series.length <= 3 && chart.unit !== "元", position: "right",
                          formatter: function (p) { return p.value ? show(p.value).replace(" " + chart.unit, "") : ""; } } };
      })
    });
    charts.push(instance);
  }

  function start() {
    var source = document.getElementById("dashboard-data");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    Object.keys(data).forEach(function (key) { draw(data[key]); });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
