// 惠企 — a little plain JavaScript; every page also works without it
// (without it, "show the rest" buttons post the form again as a full page).
(function () {
  "use strict";

  // Load the rest of a calculator result group in place: POST the form that
  // produced the page (the inline next-question boxes left out, they have
  // not been submitted yet) to the button's data-more URL and insert the
  // returned result cards.
  function loadMore(btn) {
    if (btn.dataset.loading) return Promise.resolve();
    var form = document.getElementById("calc-form");
    var body = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (k.indexOf("nq.") !== 0) body.append(k, v); });
    var label = btn.textContent;
    btn.dataset.loading = "1";
    btn.disabled = true;
    btn.textContent = "正在加载…";
    return fetch(btn.dataset.more, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) {
        var box = btn.closest(".more");
        box.insertAdjacentHTML("beforebegin", html);
        box.remove();
      })
      .catch(function () {
        delete btn.dataset.loading;
        btn.disabled = false;
        btn.textContent = "加载失败，点此重试（" + label.trim() + "）";
      });
  }

  function printAll() {
    // the printout lists every result of the open groups
    var pending = document.querySelectorAll("details.group:not(.lazy) [data-more]");
    Promise.all(Array.prototype.map.call(pending, loadMore)).then(function () { window.print(); });
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!t.closest) return;
    if (t.closest("[data-print]")) { printAll(); return; }
    var more = t.closest("[data-more]");
    if (more) { ev.preventDefault(); loadMore(more); return; }
    if (t.closest("[data-open-form]")) { var f = document.getElementById("form-details"); if (f) f.open = true; return; }
    var toggle = t.closest("[data-toggle-tree]");
    if (toggle) {
      var all = document.querySelectorAll("ul.tree details");
      var anyOpen = Array.prototype.some.call(all, function (d) { return d.open; });
      all.forEach(function (d) { d.open = !anyOpen; });
    }
  });

  // a collapsed group (不符合, 已过期) loads its results when first opened
  document.addEventListener("toggle", function (ev) {
    var d = ev.target;
    if (d.matches && d.matches("details.group.lazy") && d.open) {
      var btn = d.querySelector("[data-more]");
      if (btn) loadMore(btn);
    }
  }, true);

  // long sections start collapsed on a phone (open without JavaScript)
  if (window.matchMedia && window.matchMedia("(max-width: 719px)").matches) {
    document.addEventListener("DOMContentLoaded", function () {
      document.querySelectorAll("details[data-collapse-narrow]").forEach(function (d) { d.open = false; });
    });
  }

  // print the open result groups in full and long sections opened
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.group:not(.lazy), details.notes, details[data-collapse-narrow]").forEach(function (d) { d.open = true; });
  });
})();
