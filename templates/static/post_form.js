/* Live per-channel counters and previews for the post form (no inline script: CSP). Counting
   follows content/rules/limits.py roughly: code points, X weighs characters outside light ranges twice
   and every link as url_weight. The server checks again on save. */
(function () {
  "use strict";
  var form = document.querySelector("form.post-form");
  if (!form) return;
  var limits = JSON.parse(form.getAttribute("data-limits") || "{}");
  var body = form.querySelector("textarea[name=body]");
  var URL_RE = /https?:\/\/[^\s<>"]+/gi;

  function count(text, platform) {
    var lim = limits[platform] || {};
    var urls = 0;
    if (lim.unit === "x_weighted") {
      text = text.replace(URL_RE, function () { urls += 1; return ""; });
      var n = 0;
      Array.from(text).forEach(function (ch) {
        var cp = ch.codePointAt(0);
        var light = (lim.light_ranges || []).some(function (r) { return cp >= r[0] && cp <= r[1]; });
        n += light ? 1 : 2;
      });
      return n + urls * (lim.url_weight || 23);
    }
    return Array.from(text).length;
  }

  function update() {
    var text = body.value;
    form.querySelectorAll(".preview").forEach(function (box) {
      var platform = box.getAttribute("data-platform");
      var box_id = box.getAttribute("data-channel");
      var check = form.querySelector('input[name=channel_ids][value="' + box_id + '"]');
      box.classList.toggle("preview-off", !(check && check.checked));
      box.querySelector(".preview-text").textContent = text;
      var max = (limits[platform] || {}).max_chars;
      var n = count(text, platform);
      var counter = box.querySelector(".counter");
      counter.textContent = max ? n + " / " + max : String(n);
      counter.classList.toggle("over", !!max && n > max);
    });
  }

  body.addEventListener("input", update);
  form.querySelectorAll("input[name=channel_ids]").forEach(function (el) { el.addEventListener("change", update); });
  update();
})();
