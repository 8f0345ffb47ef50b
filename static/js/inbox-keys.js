// The inbox's keyboard shortcuts: j / k move the focus to the next / previous row's link,
// Enter opens it (the link's own behaviour). Without this script every link is reached by Tab.
(function () {
  "use strict";
  function links() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox-table .inbox-link"));
  }
  function typing(target) {
    var name = target && target.tagName;
    return name === "INPUT" || name === "SELECT" || name === "TEXTAREA" || (target && target.isContentEditable);
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    if (event.key !== "j" && event.key !== "k") {
      return;
    }
    var all = links();
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
