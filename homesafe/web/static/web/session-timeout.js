// GOV.UK's timeout warning pattern. Two minutes before the session ends (SESSION_COOKIE_AGE
// after the last page or "Stay signed in"), a modal dialog says so, with "Stay signed in" (which
// asks the server to keep the session going) and "Sign out". When the time runs out, a form
// marked data-hs-draft (a section of the return interview) is first posted as a draft
// (action=draft), then the page goes to "You have been signed out".
// Without JavaScript nothing of this happens and nothing breaks: the server ends the session.
// Tabs share the time the session ends (localStorage), so work in one tab keeps the others open.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || typeof HTMLDialogElement === "undefined" || !window.fetch) { return; }
  var timeout = Number(script.getAttribute("data-timeout")) * 1000;
  if (!(timeout > 0)) { return; }
  var extendUrl = script.getAttribute("data-extend-url");
  var endedUrl = script.getAttribute("data-ended-url");
  var signOutUrl = script.getAttribute("data-sign-out-url");
  var MARGIN = 5000; // act this long before the server would end the session
  var WARNING = 120000; // two minutes, or half the session when it is shorter
  var KEY = "homesafe-session-ends-at";
  var endsAt = 0;
  var warnFor = 0;
  var finished = false;
  var dialog = null;
  var countdown = null;
  var announcer = null;
  var announced = "";
  var returnFocus = null;

  function shared(value) {
    try {
      if (value) { window.localStorage.setItem(KEY, String(value)); }
      return Number(window.localStorage.getItem(KEY)) || 0;
    } catch (error) {
      return 0; // storage refused: this tab keeps its own time
    }
  }

  function restart(seconds) {
    var length = seconds * 1000 - MARGIN;
    warnFor = Math.min(WARNING, length / 2);
    endsAt = Date.now() + length;
    shared(endsAt);
  }

  function inWords(milliseconds) {
    var seconds = Math.max(0, Math.ceil(milliseconds / 1000));
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function build() {
    dialog = element("dialog", "hs-timeout");
    dialog.setAttribute("aria-labelledby", "hs-timeout-heading");
    dialog.setAttribute("aria-describedby", "hs-timeout-message");
    dialog.style.maxWidth = "32rem";
    dialog.style.padding = "30px";
    dialog.style.border = "5px solid #0b0c0c";
    var heading = element("h2", "govuk-heading-m", "You're about to be signed out");
    heading.id = "hs-timeout-heading";
    var message = element("p", "govuk-body", "For your security, we will sign you out in ");
    message.id = "hs-timeout-message";
    countdown = element("strong", "hs-timeout__countdown");
    message.appendChild(countdown);
    message.appendChild(document.createTextNode("."));
    dialog.appendChild(heading);
    dialog.appendChild(message);
    if (document.querySelector("form[data-hs-draft]")) {
      dialog.appendChild(element("p", "govuk-body",
        "If you are signed out, what you have typed on this page is saved as a draft."));
    }
    announcer = element("p", "govuk-visually-hidden");
    announcer.setAttribute("aria-live", "polite");
    dialog.appendChild(announcer);
    var buttons = element("div", "govuk-button-group");
    var stay = element("button", "govuk-button", "Stay signed in");
    stay.type = "button";
    stay.addEventListener("click", staySignedIn);
    var signOut = element("a", "govuk-link", "Sign out");
    signOut.href = signOutUrl;
    buttons.appendChild(stay);
    buttons.appendChild(signOut);
    dialog.appendChild(buttons);
    // Escape keeps the session, as "Stay signed in" does.
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      staySignedIn();
    });
    document.body.appendChild(dialog);
  }

  function show(left) {
    if (!dialog) { build(); }
    countdown.textContent = inWords(left);
    var words = "We will sign you out in " + inWords(left);
    // Tell screen readers when the dialog opens and then every 30 seconds or so, not each second.
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
      announced = "";
    }
    if (!announced || (Math.ceil(left / 1000) % 30 === 0 && words !== announced)) {
      announcer.textContent = words;
      announced = words;
    }
  }

  function hide() {
    if (dialog && dialog.open) {
      dialog.close();
      if (returnFocus && returnFocus.focus) { returnFocus.focus(); }
    }
  }

  function signedOut(draftSaved) {
    window.location.assign(endedUrl + (draftSaved ? "?draft=saved" : ""));
  }

  function timeUp() {
    if (finished) { return; }
    finished = true;
    var form = document.querySelector("form[data-hs-draft]");
    if (!form) { signedOut(false); return; }
    var data = new FormData(form);
    data.set("action", "draft");
    // getAttribute: the form's buttons are named "action", which hides form.action.
    fetch(form.getAttribute("action") || window.location.href, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        // A saved draft answers with a redirect to the interview page.
        signedOut(response.type === "opaqueredirect" || response.ok);
      }, function () { signedOut(false); });
  }

  function staySignedIn() {
    fetch(extendUrl, {
      credentials: "same-origin",
      cache: "no-store",
      redirect: "manual",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) {
        if (!response.ok) { throw new Error("The session has ended"); }
        return response.json();
      })
      .then(function (body) {
        restart(body.timeout);
        hide();
      }, timeUp);
  }

  function tick() {
    if (finished) { return; }
    endsAt = Math.max(endsAt, shared(0)); // another tab may have kept the session going
    var left = endsAt - Date.now();
    if (left <= 0) {
      timeUp();
    } else if (left <= warnFor) {
      show(left);
    } else {
      hide();
    }
  }

  restart(timeout / 1000);
  window.setInterval(tick, 1000);
})();
