// Built by frontend/build.sh; do not edit here.
// Load with <script type="module" src="/static/vendor/govuk/init.js"></script>.
// GOV.UK Frontend only initialises components when <body> has the class
// "govuk-frontend-supported". Its template sets that with an inline script;
// HomeSafe's strict CSP forbids inline scripts, so set it here: a browser
// that runs this ES module is a supported browser.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
