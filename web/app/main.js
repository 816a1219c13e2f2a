import { api, canWrite, session, setKey, whenUnauthorized } from "./api.js";
import { fill, h, notify } from "./dom.js";
import { dataPage } from "./pages/data.js";
import { forecastPage } from "./pages/forecast.js";
import { jobsPage } from "./pages/jobs.js";
import { mmmPage } from "./pages/mmm.js";
import { planPage } from "./pages/plan.js";
import { statsPage } from "./pages/stats.js";
import { whatIfPage } from "./pages/whatif.js";

const PAGES = { data: dataPage, stats: statsPage, mmm: mmmPage, forecast: forecastPage, plan: planPage, whatif: whatIfPage, jobs: jobsPage };
const view = document.getElementById("view");

/** Ask for a key (a modal form); resolves true when one is entered, false when the dialog is closed without. */
function askKey(why) {
  const dialog = document.getElementById("key-dialog");
  const input = document.getElementById("key-input");
  document.getElementById("key-why").textContent = why;
  input.value = "";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        const key = input.value.trim();
        if (key) setKey(key);
        resolve(Boolean(key));
      },
      { once: true },
    );
    if (!dialog.open) dialog.showModal();
  });
}

/** Set when a key was entered: the next page asks what it may do before drawing (read-only or not). */
let sessionStale = false;
whenUnauthorized(async () => {
  const entered = await askKey(
    session.key
      ? "That key was not accepted (unknown, revoked or mistyped). Enter another; it is kept for this tab only."
      : "This service asks for an API key. It is kept for this tab only (never in the address bar).",
  );
  if (entered) sessionStale = true; // what the new key may do is asked again before the next page
  return entered;
});

async function loadSession() {
  try {
    const s = await api("/v1/session");
    sessionStale = false;
    session.scopes = s.scopes;
    session.authRequired = s.authRequired;
  } catch (e) {
    notify(e.message);
  }
  document.getElementById("access").textContent = !session.authRequired
    ? "open on this machine"
    : canWrite()
      ? "signed in with a key"
      : "read-only key: pages are read-only";
}

/** Hash routes: #/page?param=value (the parameters pre-fill a page, e.g. a model id). */
async function route() {
  const [name, query] = (location.hash.replace(/^#\//, "") || "data").split("?");
  const page = PAGES[name] ?? dataPage;
  for (const a of document.querySelectorAll("nav a")) {
    if (a.getAttribute("href") === `#/${name}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (sessionStale) await loadSession();
  notify("");
  fill(view, h("p", {}, "Loading…"));
  try {
    await page(view, new URLSearchParams(query ?? ""));
  } catch (e) {
    fill(view, h("h1", {}, "Something went wrong"), h("p", { class: "bad" }, e.message));
  }
  view.focus({ preventScroll: true });
}

window.addEventListener("hashchange", route);
await loadSession();
await route();
