/* The calendar's drag-and-drop rescheduling (progressive enhancement: without this file every post
   has its "Move" page). A chip of the month grid dropped on a day keeps its time of day; a chip of
   the week grid dropped on an hour slot takes that hour and keeps its minutes. Keyboard: on a
   focused chip, Alt+←/→ moves it a day, Alt+↑/↓ (week view) an hour. The move is a form POST with
   the CSRF token and the post's version (plan/move_pages.py answers JSON for Accept: application/json);
   the result is announced in the #cal-status live region, and the chip moves only on success. An
   answer that is not JSON (an expired session's redirect to sign-in, a refused security token, an
   error page) is said with the translated texts of the grid's data-expired / data-server-error. */
(function () {
  "use strict";
  var grid = document.querySelector(".cal-grid[data-drop-kind]");
  if (!grid || !window.fetch) { return; }
  var kind = grid.getAttribute("data-drop-kind");
  var status = document.getElementById("cal-status");
  var targetSelector = kind === "slot" ? ".cal-slot[data-date][data-time]" : ".cal-day[data-date]";
  var dragged = null;

  function say(text, ok) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "cal-status alert " + (ok ? "alert-success" : "alert-error");
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function shiftDate(text, days) {
    var p = text.split("-");
    var d = new Date(Date.UTC(+p[0], +p[1] - 1, +p[2] + days));
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
  }

  function findTarget(date, time) {
    var selector = '[data-date="' + date + '"]' + (time ? '[data-time="' + time + '"]' : "");
    var found = grid.querySelectorAll(targetSelector);
    for (var i = 0; i < found.length; i++) {
      if (found[i].matches(selector)) { return found[i]; }
    }
    return null;
  }

  function place(chip, target, time) {
    var free = target.querySelector(".cal-free");
    if (free) { free.parentNode.removeChild(free); target.classList.remove("cal-slot-free"); }
    var label = chip.querySelector(".post-chip-time");
    if (label && time) { label.textContent = time; }
    if (time) { chip.setAttribute("data-time", time); }
    var before = null;
    var others = target.querySelectorAll(".post-chip");
    for (var i = 0; i < others.length; i++) {
      if (others[i] !== chip && (others[i].getAttribute("data-time") || "") > (time || "")) { before = others[i]; break; }
    }
    target.insertBefore(chip, before);
  }

  function move(chip, target) {
    var date = target.getAttribute("data-date");
    var time = "";
    var current = chip.getAttribute("data-time") || "";
    if (kind === "slot") {
      time = target.getAttribute("data-time").slice(0, 3) + (current.slice(3, 5) || "00");
    }
    var from = chip.closest(targetSelector);
    if (from === target && (!time || time === current)) { return; }
    var body = new URLSearchParams();
    body.set(grid.getAttribute("data-csrf-field"), grid.getAttribute("data-csrf"));
    body.set("version", chip.getAttribute("data-version"));
    body.set("date", date);
    if (time) { body.set("time", time); }
    chip.setAttribute("aria-busy", "true");
    say(grid.getAttribute("data-moving"), true);
    fetch(chip.getAttribute("data-move-url"), {
      method: "POST", credentials: "same-origin", body: body, redirect: "manual",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (response) {
      if ((response.headers.get("Content-Type") || "").indexOf("application/json") !== -1) {
        return response.json().then(function (data) { return { ok: response.ok && data.ok, data: data }; });
      }
      // Not the endpoint's JSON: the page door answered. A redirect (to sign-in), 401 or 403 (the
      // session or the form's security token is no longer valid) → reload; anything else → a server error.
      var expired = response.type === "opaqueredirect" || response.status === 401 || response.status === 403;
      return { ok: false, data: { message: grid.getAttribute(expired ? "data-expired" : "data-server-error") } };
    }).then(function (result) {
      chip.removeAttribute("aria-busy");
      if (!result.ok) { say(result.data.message || grid.getAttribute("data-failed"), false); return; }
      chip.setAttribute("data-version", String(result.data.version));
      var landed = result.data.date === date ? target : findTarget(result.data.date, kind === "slot" ? result.data.time.slice(0, 3) + "00" : "");
      if (landed) { place(chip, landed, result.data.time); } else { chip.parentNode.removeChild(chip); }
      chip.focus();
      say(result.data.message, true);
    }).catch(function () {
      chip.removeAttribute("aria-busy");
      say(grid.getAttribute("data-failed"), false);
    });
  }

  var chips = grid.querySelectorAll(".post-chip[data-move-url]");
  for (var i = 0; i < chips.length; i++) {
    chips[i].setAttribute("draggable", "true");
    chips[i].setAttribute("aria-keyshortcuts", kind === "slot" ? "Alt+ArrowLeft Alt+ArrowRight Alt+ArrowUp Alt+ArrowDown" : "Alt+ArrowLeft Alt+ArrowRight");
    chips[i].classList.add("is-movable");
  }

  grid.addEventListener("dragstart", function (event) {
    var chip = event.target.closest && event.target.closest(".post-chip[data-move-url]");
    if (!chip) { return; }
    dragged = chip;
    chip.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", chip.getAttribute("data-post-id"));
  });
  grid.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("is-dragging"); }
    var over = grid.querySelectorAll(".cal-drop-over");
    for (var j = 0; j < over.length; j++) { over[j].classList.remove("cal-drop-over"); }
  });
  grid.addEventListener("dragover", function (event) {
    var target = event.target.closest && event.target.closest(targetSelector);
    if (!target || !dragged) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    target.classList.add("cal-drop-over");
  });
  grid.addEventListener("dragleave", function (event) {
    var target = event.target.closest && event.target.closest(targetSelector);
    if (target && !target.contains(event.relatedTarget)) { target.classList.remove("cal-drop-over"); }
  });
  grid.addEventListener("drop", function (event) {
    var target = event.target.closest && event.target.closest(targetSelector);
    if (!target || !dragged) { return; }
    event.preventDefault();
    target.classList.remove("cal-drop-over");
    var chip = dragged;
    dragged = null;
    chip.classList.remove("is-dragging");
    move(chip, target);
  });
  grid.addEventListener("keydown", function (event) {
    if (!event.altKey) { return; }
    var chip = event.target.closest && event.target.closest(".post-chip[data-move-url]");
    if (!chip) { return; }
    var from = chip.closest(targetSelector);
    var date = from.getAttribute("data-date");
    var time = kind === "slot" ? from.getAttribute("data-time") : "";
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      date = shiftDate(date, event.key === "ArrowLeft" ? -1 : 1);
    } else if (kind === "slot" && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      var hour = parseInt(time.slice(0, 2), 10) + (event.key === "ArrowUp" ? -1 : 1);
      time = pad(hour) + ":00";
    } else { return; }
    event.preventDefault();
    var target = findTarget(date, time);
    if (target) { move(chip, target); }
  });
})();
