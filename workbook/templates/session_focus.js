// Keeps the session screen at the top of the notebook while Run All finishes.
// Shown (invisibly) by workbook.notebook.Room.form() in a JupyterLab session.
// JupyterLab scrolls to the last cell when Run All starts, and cells that
// render later move the page; this puts the form's cell at the top of the
// notebook's scrolling area (or, when the session screen is too tall to fit
// under the line naming the client, the screen itself) and keeps it there
// until the page has been still for QUIET_MS, or at once when the user
// scrolls, clicks or types.
(function (element) {
  "use strict";
  var QUIET_MS = 2500, LIMIT_MS = 30000, waited = 0;

  function scrollingParent(node) {
    for (var el = node.parentElement; el && el !== document.body; el = el.parentElement) {
      var overflow = getComputedStyle(el).overflowY;
      if ((overflow === "auto" || overflow === "scroll") && el.scrollHeight > el.clientHeight) { return el; }
    }
    return document.scrollingElement;
  }

  function start() {
    var holder = element.closest(".jp-OutputArea-child");
    if (holder) { holder.style.display = "none"; }  // nothing to see: no blank line in the output
    var cell = element.closest(".jp-Cell");
    if (!cell) { return; }
    var scroller = scrollingParent(cell);
    var panel = cell.closest(".jp-NotebookPanel") || scroller;
    var inputs = ["wheel", "touchstart", "mousedown", "keydown"];
    var started = Date.now(), lastMove = Date.now(), done = false, timer = null, observer = null;

    function stop() {
      if (done) { return; }
      done = true;
      clearInterval(timer);
      if (observer) { observer.disconnect(); }
      scroller.removeEventListener("scroll", pin);
      inputs.forEach(function (name) { panel.removeEventListener(name, stop, true); });
    }

    function pin() {
      var now = Date.now();
      if (done || !cell.isConnected || now - started > LIMIT_MS || now - lastMove > QUIET_MS) { stop(); return; }
      var page = scroller === document.scrollingElement;
      var top = page ? 0 : scroller.getBoundingClientRect().top;
      var height = page ? window.innerHeight : scroller.clientHeight;
      // The cell's top (the line naming the client) when the whole session screen still fits below it;
      // else as much of the screen as fits, from its top.
      var target = cell.getBoundingClientRect().top;
      var screen = cell.querySelector(".wb-session-screen");
      if (screen) {
        var box = screen.getBoundingClientRect();
        if (box.bottom - target > height) { target = Math.min(box.top, box.bottom - height); }
      }
      var offset = target - top;
      if (Math.abs(offset) > 1) {
        scroller.scrollTop += offset;
        lastMove = now;
      }
    }

    inputs.forEach(function (name) { panel.addEventListener(name, stop, true); });
    scroller.addEventListener("scroll", pin);
    if (window.ResizeObserver) {
      observer = new ResizeObserver(function () { lastMove = Date.now(); pin(); });
      observer.observe(scroller.firstElementChild || scroller);
    }
    timer = setInterval(pin, 100);
    pin();
  }

  // JupyterLab runs this before the output is attached to the page: wait until it is.
  (function whenAttached() {
    if (element.isConnected) { start(); return; }
    waited += 50;
    if (waited < 10000) { setTimeout(whenAttached, 50); }
  })();
})(element);
