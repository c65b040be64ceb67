// RazorIpInfo: the little that htmx does not do by itself. The page works without this file.
(function () {
  "use strict";

  var requestError = function () {
    return document.getElementById("request-error");
  };

  // Screen readers hear that the card is being replaced; htmx only sets classes.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target) {
      target.setAttribute("aria-busy", "true");
    }
    var message = requestError();
    if (message) {
      message.hidden = true;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail.target;
    if (target) {
      target.removeAttribute("aria-busy");
    }
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
