/* Post media editor (templates/_media_field.html; chalicelib/media). Uploads images and video
   (file picker, drag and drop, paste), alt text, reorder (up/down), remove. Each item is a hidden
   input `media` holding its JSON object; every change fires `media:change` on the form with
   detail = [media dicts...].
   Upload: POST uploadUrl {name,type,size} -> {key, method, url, fields, headers}; then the file goes
   to S3 (POST, a presigned form) or to our own PUT (local store); then POST confirmUrl {key,name,alt}
   -> the media item (checked by the file's first bytes). JSON calls are same-origin fetches: the API
   accepts the session cookie only from our own pages (Sec-Fetch-Site). */
(function () {
  "use strict";
  var TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/quicktime"];

  function fill(text, params) {
    return String(text || "").replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : all;
    });
  }

  function sizeText(bytes) {
    var mb = 1024 * 1024;
    return bytes >= mb ? (Math.round(bytes / mb * 10) / 10) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function setup(field) {
    var form = field.closest("form");
    var list = field.querySelector("[data-media-list]");
    var input = field.querySelector("[data-media-input]");
    var drop = field.querySelector("[data-media-drop]");
    var status = field.querySelector("[data-media-status]");
    var d = field.dataset;
    var noscript = field.querySelector("[data-media-noscript]");
    if (noscript) { noscript.hidden = true; }

    function items() {
      var out = [];
      list.querySelectorAll("input[name=media]").forEach(function (hidden) {
        try { out.push(JSON.parse(hidden.value)); } catch (e) { /* skip */ }
      });
      return out;
    }

    function changed() {
      var target = form || field;
      target.dispatchEvent(new CustomEvent("media:change", {bubbles: true, detail: items()}));
    }

    function say(text, bad) {
      status.textContent = text || "";
      status.classList.toggle("media-status-error", !!bad);
    }

    function button(label, attr) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-quiet btn-small";
      b.setAttribute(attr, "");
      b.textContent = label;
      return b;
    }

    function viewUrl(key) {
      return d.viewUrl + (d.viewUrl.indexOf("?") >= 0 ? "&" : "?") + "key=" + encodeURIComponent(key);
    }

    function addItem(item) {
      var li = document.createElement("li");
      li.className = "media-item";
      li.setAttribute("data-media-item", "");
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "media";
      hidden.value = JSON.stringify(item);
      li.appendChild(hidden);
      var thumb = document.createElement("div");
      thumb.className = "media-thumb";
      var shown;
      if (item.kind === "video") {
        shown = document.createElement("video");
        shown.preload = "metadata";
        shown.muted = true;
        shown.setAttribute("playsinline", "");
        shown.setAttribute("aria-label", item.alt || item.name || d.tVideo);
      } else {
        shown = document.createElement("img");
        shown.alt = item.alt || "";
      }
      shown.src = viewUrl(item.key);
      thumb.appendChild(shown);
      li.appendChild(thumb);
      var meta = document.createElement("div");
      meta.className = "media-meta";
      var name = document.createElement("span");
      name.className = "media-name";
      name.textContent = item.name || "";
      meta.appendChild(name);
      var label = document.createElement("label");
      label.className = "media-alt";
      label.appendChild(document.createTextNode(d.tAlt + " "));
      var alt = document.createElement("input");
      alt.type = "text";
      alt.maxLength = 1000;
      alt.value = item.alt || "";
      alt.setAttribute("data-media-alt", "");
      label.appendChild(alt);
      meta.appendChild(label);
      var actions = document.createElement("div");
      actions.className = "media-actions";
      actions.appendChild(button(d.tUp, "data-media-up"));
      actions.appendChild(button(d.tDown, "data-media-down"));
      actions.appendChild(button(d.tRemove, "data-media-remove"));
      meta.appendChild(actions);
      li.appendChild(meta);
      list.appendChild(li);
    }

    // A server refusal in the page's language: the detail's `key` and `params` (media/service._refuse)
    // fill the translated text the page carries; anything else keeps the server's (English) message.
    var TEXTS = {media_bad_type: d.tBadType, media_too_large: d.tTooLarge, media_empty: d.tEmpty};

    function reason(error, status, name) {
      var detail = (error.details || [])[0] || {};
      if (detail.key && TEXTS[detail.key]) {
        var params = Object.assign({}, detail.params || {});
        params.name = params.name || name || "";
        return fill(TEXTS[detail.key], params);
      }
      return detail.message || error.message || ("HTTP " + status);
    }

    function api(url, body) {
      return fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json"},
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) {
            throw new Error(reason((data && data.error) || {}, response.status, body.name));
          }
          return data;
        });
      });
    }

    function send(target, file) {
      var options;
      if (target.method === "POST") {
        var data = new FormData();
        Object.keys(target.fields || {}).forEach(function (k) { data.append(k, target.fields[k]); });
        data.append("file", file);
        options = {method: "POST", body: data};
      } else {
        options = {method: "PUT", body: file, headers: target.headers || {}, credentials: "same-origin"};
      }
      return fetch(target.url, options).then(function (response) {
        if (!response.ok) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            throw new Error(reason((data && data.error) || {}, response.status, file.name));
          });
        }
        return target;
      });
    }

    function upload(file) {
      var name = file.name || "pasted-image";
      var type = file.type || "";
      if (TYPES.indexOf(type) < 0) {
        return Promise.reject(new Error(fill(d.tBadType, {name: name})));
      }
      var max = Number(type.indexOf("video/") === 0 ? d.maxVideo : d.maxImage);
      if (file.size > max) {
        return Promise.reject(new Error(fill(d.tTooLarge, {name: name, size: sizeText(file.size), max: sizeText(max)})));
      }
      say(fill(d.tUploading, {name: name}));
      return api(d.uploadUrl, {name: name, type: type, size: file.size})
        .then(function (target) { return send(target, file); })
        .then(function (target) { return api(d.confirmUrl, {key: target.key, name: name, alt: ""}); })
        .then(function (item) { addItem(item); changed(); say(""); return item; })
        .catch(function (error) {
          throw new Error(fill(d.tFailed, {name: name, reason: error.message}));
        });
    }

    function uploadAll(files) {
      var chain = Promise.resolve();
      var failed = [];
      Array.prototype.forEach.call(files, function (file) {
        chain = chain.then(function () {
          return upload(file).catch(function (error) { failed.push(error.message); });
        });
      });
      return chain.then(function () {
        if (failed.length) { say(failed.join(" "), true); }
      });
    }

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      uploadAll(files).then(function () { input.value = ""; });
    });

    ["dragenter", "dragover"].forEach(function (name) {
      field.addEventListener(name, function (event) {
        if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types || [], "Files") >= 0) {
          event.preventDefault();
          drop.classList.add("media-drop-over");
        }
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      field.addEventListener(name, function () { drop.classList.remove("media-drop-over"); });
    });
    field.addEventListener("drop", function (event) {
      if (event.dataTransfer && event.dataTransfer.files && event.dataTransfer.files.length) {
        event.preventDefault();
        uploadAll(event.dataTransfer.files);
      }
    });
    (form || document).addEventListener("paste", function (event) {
      var files = event.clipboardData && event.clipboardData.files;
      if (files && files.length) {
        event.preventDefault();
        uploadAll(files);
      }
    });

    list.addEventListener("click", function (event) {
      var b = event.target.closest("button");
      if (!b || !list.contains(b)) { return; }
      var li = b.closest("[data-media-item]");
      if (b.hasAttribute("data-media-remove")) {
        li.remove();
      } else if (b.hasAttribute("data-media-up") && li.previousElementSibling) {
        list.insertBefore(li, li.previousElementSibling);
      } else if (b.hasAttribute("data-media-down") && li.nextElementSibling) {
        list.insertBefore(li.nextElementSibling, li);
      } else {
        return;
      }
      b.focus();
      changed();
    });
    list.addEventListener("input", function (event) {
      if (!event.target.hasAttribute("data-media-alt")) { return; }
      var li = event.target.closest("[data-media-item]");
      var hidden = li.querySelector("input[name=media]");
      try {
        var item = JSON.parse(hidden.value);
        item.alt = event.target.value;
        hidden.value = JSON.stringify(item);
        var img = li.querySelector("img");
        if (img) { img.alt = item.alt; }
      } catch (e) { return; }
      changed();
    });
  }

  function start() {
    document.querySelectorAll("[data-media-field]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
