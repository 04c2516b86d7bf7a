// Shared by the three pages: calls to the JSON API, login, busy state, readable errors, safe DOM.
// Nothing about a client is kept in the browser: the login token lives in sessionStorage (gone when
// the tab closes), intake data only in memory.
"use strict";
const SM = (() => {
  const TOKEN = "socialmap.token", WHO = "socialmap.who";

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  const DUTCH = {
    401: "U bent niet (meer) ingelogd. Log opnieuw in.",
    403: "Dit mag uw account niet.",
    404: "Niet gevonden.",
    409: "Dit bestaat al of is intussen gewijzigd.",
    412: "Iemand anders heeft dit intussen gewijzigd. Laad opnieuw en probeer het nog eens.",
    422: "De invoer klopt niet.",
    429: "Te veel pogingen. Wacht even.",
  };

  async function api(path, { method = "GET", body, headers = {}, raw = false } = {}) {
    const token = sessionStorage.getItem(TOKEN);
    const init = { method, headers: { ...headers } };
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, "De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.");
    }
    if (!response.ok) {
      let detail = "";
      try { detail = (await response.json()).error || ""; } catch (e) { /* not JSON */ }
      if (response.status === 401) forget();
      const base = DUTCH[response.status] || `De server antwoordde met fout ${response.status}.`;
      throw new ApiError(response.status, detail ? `${base} (${detail})` : base);
    }
    if (raw) return response;
    return response.status === 204 ? null : response.json();
  }

  function forget() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(WHO);
  }

  function who() {
    try { return JSON.parse(sessionStorage.getItem(WHO) || "null"); } catch (e) { return null; }
  }

  async function login(username, password) {
    const answer = await api("/auth/login", { method: "POST", body: { username, password } });
    sessionStorage.setItem(TOKEN, answer.access_token);
    const me = { name: username, role: answer.role, organisation: answer.organisation };
    sessionStorage.setItem(WHO, JSON.stringify(me));
    return me;
  }

  async function logout() {
    try { await api("/auth/logout", { method: "POST" }); } catch (e) { /* already gone */ }
    forget();
  }

  // A status line that screen readers announce; `busy` also marks the region it concerns.
  function busy(region, on, text = "Bezig...") {
    region.setAttribute("aria-busy", on ? "true" : "false");
    const status = document.getElementById("status");
    if (status) status.textContent = on ? text : "";
    document.body.classList.toggle("busy", on);
  }

  function showError(target, error) {
    target.replaceChildren(el("p", { class: "error", role: "alert" }, error.message || String(error)));
  }

  // The login form and header status, the same on every page. `roles`: who this page is for.
  function loginPanel(container, roles, onReady) {
    const current = who();
    if (current && roles.includes(current.role)) {
      container.replaceChildren(el("p", { class: "who" },
        `Ingelogd als ${current.name} (${current.role}${current.organisation ? ", " + current.organisation : ""}) `,
        el("button", { type: "button", class: "link", onclick: async () => { await logout(); location.reload(); } }, "Uitloggen")));
      onReady(current);
      return;
    }
    const message = el("div", { "aria-live": "polite" });
    const user = el("input", { id: "login-user", name: "username", autocomplete: "username", required: true });
    const pass = el("input", { id: "login-pass", name: "password", type: "password", autocomplete: "current-password", required: true });
    const form = el("form", { class: "login", "aria-labelledby": "login-title" },
      el("h2", { id: "login-title" }, "Inloggen"),
      current ? el("p", {}, `Deze pagina is voor: ${roles.join(", ")}. U bent ingelogd als ${current.role}.`) : null,
      el("label", { for: "login-user" }, "Gebruikersnaam"), user,
      el("label", { for: "login-pass" }, "Wachtwoord"), pass,
      el("button", { type: "submit" }, "Inloggen"), message);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const me = await login(user.value.trim(), pass.value);
        if (!roles.includes(me.role)) {
          showError(message, new Error(`Dit account (${me.role}) kan deze pagina niet gebruiken.`));
          forget();
          return;
        }
        pass.value = "";
        loginPanel(container, roles, onReady);
      } catch (e) {
        showError(message, e);
      }
    });
    container.replaceChildren(form);
    user.focus();
  }

  const euro = (x) => x === 0 ? "gratis" : `€ ${Number(x).toFixed(2).replace(".", ",")} per maand`;
  const km = (x) => `${Number(x).toFixed(1).replace(".", ",")} km`;

  return { el, api, ApiError, login, logout, who, busy, showError, loginPanel, euro, km };
})();
