// The inbox's keyboard shortcuts: j / k move the focus to the next / previous row's link,
// Enter opens it (the link's own behaviour). They work only while the focus is in the list
// (its scroll region or a row's link), so that the letters never act elsewhere on the page
// (WCAG 2.1.4, character key shortcuts). Without this script every link is reached by Tab.
(function () {
  "use strict";
  function list() {
    return document.getElementById("inbox-list");
  }
  function links(container) {
    return Array.prototype.slice.call(container.querySelectorAll(".inbox-link"));
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (event.key !== "j" && event.key !== "k") {
      return;
    }
    var container = list();
    if (!container || !container.contains(document.activeElement)) {
      return;
    }
    var all = links(container);
    if (!all.length) {
      return;
    }
    var current = all.indexOf(document.activeElement);
    var next;
    if (event.key === "j") {
      next = current < 0 ? 0 : Math.min(current + 1, all.length - 1);
    } else {
      next = current < 0 ? 0 : Math.max(current - 1, 0);
    }
    all[next].focus();
    event.preventDefault();
  });
})();
