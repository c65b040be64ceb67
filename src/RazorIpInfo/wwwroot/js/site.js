// RazorIpInfo: the little that htmx does not do by itself. The page works without this file.
(function () {
  "use strict";

  // What only works with script (the Copy button) is shown only with it.
  document.documentElement.classList.add("js");

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
      busy = target.closest("#card-region") || target;
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

  // A lookup's answer lands where the visitor looks: its top in view and focus on its heading, so the
  // keyboard and a screen reader go on from the answer. Refresh leaves focus on its button, and a lookup
  // that failed (the card stays; the error is beside the field) leaves it in the field.
  document.addEventListener("htmx:afterSwap", function (event) {
    var form = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    if (!form || !form.matches || !form.matches("form.lookup") || event.detail.target.id !== "ip-card") {
      return;
    }
    var card = document.getElementById("ip-card");
    var heading = document.getElementById("card-title");
    if (!card || !heading || !card.isConnected || document.getElementById("ip-error")) {
      return;
    }
    focusedId = null;
    heading.focus({ preventScroll: true });
    var top = card.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 120) {
      card.scrollIntoView({ block: "start" });
    }
  });

  // Copy puts the address on the clipboard and says so, on the button and in the status line.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copy");
    if (!button || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
      var status = document.getElementById("card-status");
      if (status) {
        status.textContent = button.getAttribute("data-copied");
      }
      button.textContent = button.getAttribute("data-copied");
    });
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
