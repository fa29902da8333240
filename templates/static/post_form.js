/* The post form on top of the server-rendered page (no inline script: CSP). docs/post-form.md.

   - one tab per chosen channel over the previews (the server renders every chosen channel's preview
     one under another; without JS that is what the author sees);
   - live counters and the text cut where each network cuts it, counted as content/rules/limits.py
     counts (code points, UTF-16 units, UTF-8 bytes, X's weighted count) — the server checks again on save;
   - the media layout follows the media editor's `media:change` event (media_upload.js);
   - "Publish now" disables the time field (the server sets the time to the current minute). */
(function () {
  "use strict";
  var form = document.querySelector("form.post-form");
  if (!form) return;
  var limits = JSON.parse(form.getAttribute("data-limits") || "{}");
  var serverMedia = JSON.parse(form.getAttribute("data-media") || "[]");
  var media = serverMedia.slice();
  var body = form.querySelector("textarea[name=body]");
  var tablist = form.querySelector(".preview-tabs");
  var empty = form.querySelector(".previews-empty");
  var selected = null;
  var URL_RE = /https?:\/\/[^\s<>"]+/gi;
  var TRAILING = ".,;:!?'\"\u2019\u201d\u00bb\u2026)]}";

  // --- counting, as limits.py does ----------------------------------------------------------------

  function findUrls(text) {
    var spans = [], m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text)) !== null) {
      var start = m.index, end = start + m[0].length;
      while (end > start) {
        var last = text.charAt(end - 1);
        if (last === ")") {
          var part = text.slice(start, end);
          if ((part.match(/\(/g) || []).length >= (part.match(/\)/g) || []).length) break;
        }
        if (TRAILING.indexOf(last) < 0) break;
        end -= 1;
      }
      var scheme = text.indexOf("://", start);
      if (scheme >= 0 && scheme + 3 < end) spans.push([start, end]);
    }
    return spans;
  }

  function isModifier(cp) {
    return cp === 0xFE0E || cp === 0xFE0F || cp === 0x20E3 || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
      (cp >= 0xE0020 && cp <= 0xE007F);
  }

  function weighX(text, ranges) {
    var cps = Array.from(text).map(function (ch) { return ch.codePointAt(0); });
    var total = 0, i = 0, n = cps.length;
    function light(cp) { return ranges.some(function (r) { return cp >= r[0] && cp <= r[1]; }); }
    while (i < n) {
      var cp = cps[i], j = i + 1;
      if (cp >= 0x1F1E6 && cp <= 0x1F1FF && j < n && cps[j] >= 0x1F1E6 && cps[j] <= 0x1F1FF) {
        total += 2; i = j + 1; continue;
      }
      if (!light(cp)) {
        while (j < n && (isModifier(cps[j]) || (cps[j] === 0x200D && j + 1 < n))) j += cps[j] === 0x200D ? 2 : 1;
        total += 2;
      } else if (j < n && (cps[j] === 0xFE0F || cps[j] === 0x20E3)) {
        while (j < n && (cps[j] === 0xFE0F || cps[j] === 0x20E3)) j += 1;
        total += 2;
      } else {
        total += 1;
      }
      i = j;
    }
    return total;
  }

  function count(text, platform) {
    var lim = limits[platform] || {};
    if (lim.unit === "utf16") return text.length;
    if (lim.unit === "utf8_bytes") return new TextEncoder().encode(text).length;
    if (lim.unit === "x_weighted") {
      text = text.normalize("NFC");
      var spans = findUrls(text), total = 0, pos = 0;
      spans.forEach(function (s) { total += weighX(text.slice(pos, s[0]), lim.light_ranges || []); pos = s[1]; });
      total += weighX(text.slice(pos), lim.light_ranges || []);
      return total + spans.length * (lim.url_weight || 0);
    }
    return Array.from(text).length;
  }

  function maxFor(platform, hasMedia) {
    var lim = limits[platform] || {};
    return hasMedia && lim.caption_max_chars ? lim.caption_max_chars : lim.max_chars;
  }

  // Where the network cuts: the longest prefix (in code points) within the limit, then the feed's fold.
  function cut(text, platform, hasMedia) {
    var lim = limits[platform] || {};
    var size = count(text, platform), most = maxFor(platform, hasMedia);
    var chars = Array.from(text), end = chars.length;
    if (most && size > most) {
      var low = 0, high = chars.length;
      while (low < high) {
        var mid = Math.floor((low + high + 1) / 2);
        if (count(chars.slice(0, mid).join(""), platform) <= most) low = mid; else high = mid - 1;
      }
      end = low;
    }
    var fits = chars.slice(0, end), at = fits.length;
    if (lim.fold && fits.length > lim.fold) {
      var head = fits.slice(0, lim.fold + 1).join("");
      var space = head.lastIndexOf(" ");
      at = space >= Math.max(lim.fold - 20, 1) ? Array.from(head.slice(0, space)).length : lim.fold;
    }
    return {
      visible: fits.slice(0, at).join(""), folded: fits.slice(at).join(""), over: chars.slice(end).join(""),
      count: size, max: most
    };
  }

  // --- previews ----------------------------------------------------------------------------------

  function chosenIds() {
    return Array.from(form.querySelectorAll("input[name=channel_ids]:checked")).map(function (el) { return el.value; });
  }

  function boxes() { return Array.from(form.querySelectorAll(".previews .preview")); }

  function renderMedia(box) {
    var holder = box.querySelector(".mock-media");
    if (!holder) return;
    holder.textContent = "";
    var shown = media.slice(0, 4);
    holder.className = "mock-media mock-media-" + shown.length + (shown.length ? "" : " is-empty");
    shown.forEach(function (item) {
      var tile;
      if (item.kind === "video" || !item.src) {
        tile = document.createElement("span");
        tile.className = "mock-tile" + (item.kind === "video" ? " mock-video" : "");
        tile.textContent = item.kind === "video" ? "\u25B6" : (item.name || "");
        tile.title = item.alt || "";
      } else {
        tile = document.createElement("img");
        tile.className = "mock-tile";
        tile.src = item.src;
        tile.alt = item.alt || "";
      }
      holder.appendChild(tile);
    });
    if (media.length > 4) {
      var more = document.createElement("span");
      more.className = "mock-more-media";
      more.textContent = "+" + (media.length - 4);
      holder.appendChild(more);
    }
  }

  function update() {
    var chosen = chosenIds(), main = body.value, hasMedia = media.length > 0;
    boxes().forEach(function (box) {
      var id = box.getAttribute("data-channel"), platform = box.getAttribute("data-platform");
      var on = chosen.indexOf(id) >= 0;
      box.classList.toggle("preview-off", !on);
      var tab = tablist && tablist.querySelector('[data-channel="' + id + '"]');
      if (tab) tab.classList.toggle("preview-off", !on);
      var variant = box.querySelector("textarea[name^=variant_]");
      if (variant) variant.placeholder = main;
      var text = (variant && variant.value.trim() ? variant.value : main).trim();  // the server strips too
      var c = cut(text, platform, hasMedia);
      box.querySelector(".mock-visible").textContent = c.visible;
      box.querySelector(".mock-folded").textContent = c.folded;
      box.querySelector(".mock-fold").hidden = !c.folded;
      box.querySelector(".mock-over").textContent = c.over;
      var note = box.querySelector(".note-limit");
      if (note) {
        var caption = hasMedia && (limits[platform] || {}).caption_max_chars;
        note.textContent = (form.getAttribute(caption ? "data-t-caption" : "data-t-limit") || "").replace("{max}", c.max);
      }
      var over = !!c.max && c.count > c.max;
      var counter = box.querySelector(".counter");
      counter.textContent = c.max ? c.count + " / " + c.max : String(c.count);
      counter.classList.toggle("over", over);
      box.classList.toggle("is-over", over);
      if (tab) {
        var badge = tab.querySelector(".tab-count");
        badge.textContent = String(c.count);
        badge.classList.toggle("over", over);
      }
      renderMedia(box);
    });
    if (empty) empty.hidden = chosen.length > 0;
    if (tablist) {
      tablist.hidden = chosen.length === 0;
      if (chosen.indexOf(selected) < 0) selected = chosen.length ? chosen[0] : null;
      select(selected, false);
    }
  }

  // --- tabs --------------------------------------------------------------------------------------

  function select(id, focus) {
    selected = id;
    form.classList.toggle("has-tabs", !!tablist);
    boxes().forEach(function (box) {
      var mine = box.getAttribute("data-channel") === id;
      box.classList.toggle("tab-hidden", !mine);
      box.setAttribute("role", "tabpanel");
    });
    if (!tablist) return;
    Array.from(tablist.querySelectorAll(".preview-tab")).forEach(function (tab) {
      var mine = tab.getAttribute("data-channel") === id;
      tab.setAttribute("aria-selected", mine ? "true" : "false");
      tab.tabIndex = mine ? 0 : -1;
      if (mine && focus) tab.focus();
    });
  }

  if (tablist) {
    tablist.addEventListener("click", function (event) {
      var tab = event.target.closest(".preview-tab");
      if (tab) select(tab.getAttribute("data-channel"), false);
    });
    tablist.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
      var ids = chosenIds();
      var at = ids.indexOf(selected);
      if (at < 0) return;
      var next = ids[(at + (event.key === "ArrowRight" ? 1 : ids.length - 1)) % ids.length];
      select(next, true);
      event.preventDefault();
    });
    // A panel with an error from the server opens first.
    var failing = form.querySelector(".preview .has-error");
    if (failing) selected = failing.closest(".preview").getAttribute("data-channel");
  }

  // --- publish now --------------------------------------------------------------------------------

  var now = form.querySelector("input[name=publish_now]");
  var when = form.querySelector("input[name=publish_at]");
  function syncNow() { if (now && when) when.disabled = now.checked; }
  if (now) now.addEventListener("change", syncNow);
  syncNow();

  // --- wiring ------------------------------------------------------------------------------------

  form.addEventListener("input", function (event) {
    var name = event.target.name || "";
    if (name === "body" || name.indexOf("variant_") === 0) update();
  });
  form.querySelectorAll("input[name=channel_ids]").forEach(function (el) { el.addEventListener("change", update); });
  form.addEventListener("media:change", function (event) {
    var items = Array.isArray(event.detail) ? event.detail : [];
    // The editor's own thumbnails (same order as its items) give each image a link the page may load.
    var thumbs = Array.from(form.querySelectorAll("[data-media-item]")).map(function (el) {
      var img = el.querySelector("img");
      return img ? img.getAttribute("src") || "" : "";
    });
    media = items.map(function (item, index) {
      var kind = item.kind || (String(item.type || "").indexOf("video/") === 0 ? "video" : "image");
      var src = item.src || (thumbs.length === items.length ? thumbs[index] : "") ||
        (serverMedia.length === items.length && serverMedia[index] ? serverMedia[index].src : "");
      return { src: src, alt: item.alt || "", kind: kind, name: item.name || "" };
    });
    update();
  });
  update();
})();
