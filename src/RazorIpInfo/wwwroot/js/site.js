// RazorIpInfo: the little that htmx does not do by itself. The page works without this file.
(function () {
  "use strict";

  var requestError = function () {
    return document.getElementById("request-error");
  };

  // hx-disabled-elt disables the pressed button, which drops keyboard focus to the page; it goes
  // back to the button (or its replacement, by id) when the request is over.
  var focusedId = null;

  // Screen readers hear that the card is being replaced, and its new content once, when it is
  // complete: the live region around the card is busy meanwhile. htmx only sets classes.
  var busy = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    focusedId = active && active.id && event.detail.elt.contains(active) ? active.id : null;
    var target = event.detail.target;
    if (target) {
      busy = target.closest("[aria-live]") || target;
      busy.setAttribute("aria-busy", "true");
    }
    var message = requestError();
    if (message) {
      message.hidden = true;
    }
  });

  document.addEventListener("htmx:afterRequest", function () {
    if (busy) {
      busy.removeAttribute("aria-busy");
      busy = null;
    }
    var active = document.activeElement;
    var focused = focusedId && document.getElementById(focusedId);
    if (focused && (!active || active === document.body)) {
      focused.focus({ preventScroll: true });
    }
    focusedId = null;
  });

  // htmx snapshots the page for Back before it swaps, while the request is still in flight.
  document.addEventListener("htmx:beforeHistorySave", function (event) {
    var busy = event.detail.historyElt.querySelectorAll("[aria-busy]");
    for (var i = 0; i < busy.length; i++) {
      busy[i].removeAttribute("aria-busy");
    }
  });

  // No answer at all (offline, server down) or one htmx will not swap (a 5xx error page):
  // say so instead of leaving the old card as if nothing had happened.
  var showRequestError = function () {
    var message = requestError();
    if (message) {
      message.hidden = false;
    }
  };
  document.addEventListener("htmx:sendError", showRequestError);
  document.addEventListener("htmx:responseError", showRequestError);
  document.addEventListener("htmx:timeout", showRequestError);
})();
