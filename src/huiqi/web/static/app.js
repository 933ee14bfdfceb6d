// 惠企 — a little plain JavaScript; every page also works without it.
document.addEventListener("click", function (ev) {
  var t = ev.target;
  if (t.closest && t.closest("[data-print]")) { window.print(); return; }
  var toggle = t.closest && t.closest("[data-toggle-tree]");
  if (toggle) {
    var all = document.querySelectorAll("ul.tree details");
    var anyOpen = Array.prototype.some.call(all, function (d) { return d.open; });
    all.forEach(function (d) { d.open = !anyOpen; });
  }
});
// print every result group, also the collapsed ones
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details.group").forEach(function (d) { d.open = true; });
});
