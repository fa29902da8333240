/* The top bar's menu at phone width: the links fold behind the "Menu" button, which opens and closes
   them (Escape or a click elsewhere closes). Without this script the links stay visible as one
   scrollable row, so every page (the profile too) is reachable. The button shows only at phone width
   (app.css: .topbar.js-menu). */
(function () {
  "use strict";
  var topbar = document.querySelector(".topbar");
  var button = topbar && topbar.querySelector(".menu-button");
  var nav = topbar && document.getElementById("main-nav");
  if (!button || !nav) return;
  topbar.classList.add("js-menu");

  function setOpen(open) {
    topbar.classList.toggle("nav-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  button.addEventListener("click", function () {
    var open = !topbar.classList.contains("nav-open");
    setOpen(open);
    if (open) {
      var first = nav.querySelector("a");
      if (first) first.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && topbar.classList.contains("nav-open")) {
      setOpen(false);
      button.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (topbar.classList.contains("nav-open") && !topbar.contains(event.target)) setOpen(false);
  });
})();
