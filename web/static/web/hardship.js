/* The hardship case form: show the first two household rows (and any typed in), add the others
   one by one. Without JavaScript every row stays visible and the form works the same. */
(function () {
  "use strict";
  function setUp(holder) {
    var rows = Array.prototype.slice.call(holder.querySelectorAll("[data-household-row]"));
    var add = holder.querySelector("[data-household-add]");
    function filled(row) {
      return Array.prototype.some.call(row.querySelectorAll("input"), function (i) { return i.value.trim() !== ""; });
    }
    var last = 1;
    rows.forEach(function (row, index) { if (filled(row)) last = Math.max(last, index); });
    rows.forEach(function (row, index) { row.hidden = index > last; });
    function refresh() { add.hidden = !rows.some(function (row) { return row.hidden; }); }
    add.addEventListener("click", function () {
      var next = rows.find(function (row) { return row.hidden; });
      if (next) {
        next.hidden = false;
        next.querySelector("input").focus();
      }
      refresh();
    });
    refresh();
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-household-rows]"), setUp);
  });
})();
