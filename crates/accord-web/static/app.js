// Progressive enhancement only: every page works without this file.
// 1. The editor's review panel follows the form as you type.
// 2. The time-zone field of "Start a partnership" is filled from the browser.
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  var panel = document.getElementById("findings");
  if (form && panel && form.dataset.preview) {
    var timer = null;
    var seq = 0;
    var refresh = function () {
      var mine = ++seq;
      var body = new URLSearchParams(new FormData(form));
      fetch(form.dataset.preview, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded" }
      }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) {
        // Only the newest answer is shown, whatever order they arrive in.
        if (html !== null && mine === seq) { panel.innerHTML = html; }
      }).catch(function () {});
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(refresh, 300); };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }
  var tz = document.querySelector("input[data-detect-timezone]");
  if (tz && tz.value === "UTC" && window.Intl) {
    try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) {}
  }
})();
