// Keyboard shortcuts for the queue and the claim page. Pages mark their targets with
// data-key="<key>" (a link or button to click, or a field to focus); j/k move through queue
// rows, or follow the claim page's previous/next links.
(function () {
  "use strict";

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable='true']") !== null;
  }

  function rows() {
    return Array.from(document.querySelectorAll("[data-queue-row]"));
  }

  function moveSelection(step) {
    const all = rows();
    if (!all.length) {
      const link = document.querySelector(step > 0 ? "[data-key='next']" : "[data-key='prev']");
      if (link) link.click();
      return;
    }
    const current = all.findIndex((row) => row.classList.contains("selected"));
    const next = Math.min(Math.max(current + step, 0), all.length - 1);
    all.forEach((row) => row.classList.remove("selected"));
    all[next].classList.add("selected");
    all[next].setAttribute("aria-selected", "true");
    all[next].scrollIntoView({ block: "nearest" });
  }

  function activate(key) {
    const target = document.querySelector(`[data-key='${key}']`);
    if (!target) return false;
    if (target.matches("input, textarea, select")) {
      target.focus();
    } else {
      target.click();
    }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const help = document.getElementById("shortcut-help");
    if (event.key === "?") {
      help.showModal();
    } else if (event.key === "j") {
      moveSelection(1);
    } else if (event.key === "k") {
      moveSelection(-1);
    } else if (event.key === "Enter") {
      const selected = document.querySelector("[data-queue-row].selected a[data-open]");
      if (!selected) return;
      selected.click();
    } else if (!activate(event.key === "/" ? "search" : event.key)) {
      return;
    }
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcut-help]")) {
      document.getElementById("shortcut-help").showModal();
    }
  });
})();
