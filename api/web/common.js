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

  // An error answer of the API: {error (English, for developers), code, params, details: [{field, code,
  // message, params}]}. The pages show `message`, the Dutch text made from the code (never `error`).
  class ApiError extends Error {
    constructor(status, message, { code = "", params = {}, details = [] } = {}) {
      super(message);
      Object.assign(this, { status, code, params, details });
    }
  }

  const DUTCH = {
    401: "U bent niet (meer) ingelogd. Log opnieuw in.",
    403: "Dit mag uw account niet.",
    404: "Niet gevonden.",
    409: "Dit bestaat al of is intussen gewijzigd.",
    412: "Iemand anders heeft dit intussen gewijzigd. Laad opnieuw en probeer het nog eens.",
    413: "Dat is te veel in één keer. Stuur minder tegelijk.",
    422: "De invoer klopt niet.",
    429: "Te veel pogingen. Wacht even.",
  };

  const list = (x) => Array.isArray(x) ? x.join(", ") : String(x ?? "");
  // Every code the API gives (catalog/errors.py and the raises that name one), in Dutch. The API's
  // tests check that each code it can give is in this table (tests/test_error_codes.py).
  const CODES = {
    // whole answers
    login_required: () => DUTCH[401],
    token_expired: () => "Uw sessie is verlopen. Log opnieuw in.",
    api_key_unknown: () => "Deze API-sleutel bestaat niet of is ingetrokken.",
    login_failed: () => "Gebruikersnaam of wachtwoord klopt niet.",
    too_many_attempts: (p) => `Te veel mislukte pogingen. Probeer het over ${p.minutes || 15} minuten opnieuw.`,
    role_forbidden: () => DUTCH[403],
    forbidden: () => DUTCH[403],
    not_own_listing: (p) => `Deze activiteit is van ${p.organisation}; u kunt alleen activiteiten van uw eigen organisatie wijzigen.`,
    not_own_organisation: () => "U kunt alleen activiteiten van uw eigen organisatie zien en toevoegen.",
    organisation_handover: () => "Een redacteur kan een activiteit niet aan een andere organisatie geven; vraag dat aan een beheerder.",
    not_found: () => DUTCH[404],
    activity_unknown: (p) => `Activiteit ${p.id} bestaat niet (meer).`,
    activity_merged: (p) => `Activiteit ${p.id} is samengevoegd met ${p.merged_into}.`,
    intake_unknown: () => "Deze intake is niet (meer) bekend.",
    user_unknown: (p) => `Er is geen account '${p.name}'.`,
    organization_unknown: () => "Deze organisatie is niet bekend.",
    conflict: () => DUTCH[409],
    id_taken: (p) => `Er bestaat al een activiteit met id '${p.id}'. Kies een ander id.`,
    id_merged: (p) => `Id '${p.id}' is eerder samengevoegd met '${p.merged_into}'. Kies een ander id.`,
    name_taken: (p) => `De naam '${p.name}' is al in gebruik.`,
    already_exists: () => "Dit bestaat al. Kies een ander id of een andere naam.",
    own_account: () => "U kunt uw eigen account niet verwijderen; vraag dat aan een andere beheerder.",
    changed_during_import: () => "Tijdens het inlezen is er iets gewijzigd. Lees het bestand opnieuw in.",
    version_conflict: () => "Iemand anders heeft deze activiteit intussen gewijzigd.",
    version_required: () => "Laad de activiteit opnieuw en probeer het nog eens.",
    body_too_large: () => DUTCH[413],
    body_incomplete: () => "De verbinding viel weg voordat alles verstuurd was. Probeer het opnieuw.",
    method_not_allowed: () => "Dat kan hier niet.",
    unsupported_media_type: () => "Deze soort invoer kent de server niet.",
    bad_request: () => "Het verzoek klopt niet.",
    invalid_input: () => DUTCH[422],
    listing_invalid: () => DUTCH[422],
    postcode_unknown: (p) => `Postcode ${p.value || ""} staat niet in de postcodetabel van de sociale kaart. ` +
                             "Controleer de postcode, of vul een postcode in de buurt in.",
    // one field
    required: () => "is leeg, maar moet ingevuld zijn.",
    too_long: (p) => `mag hoogstens ${p.limit || p.max_length} tekens lang zijn.`,
    too_short: (p) => `moet minstens ${p.min_length} tekens lang zijn.`,
    too_small: (p) => `moet ${p.ge ?? p.gt} of meer zijn.`,
    too_large: (p) => `mag hoogstens ${p.le ?? p.lt} zijn.`,
    not_allowed: (p) => p.allowed ? `'${p.value}' kan niet; kies uit: ${list(p.allowed)}.` : "deze waarde kan niet.",
    type_invalid: () => "heeft niet de goede vorm.",
    json_invalid: () => "is geen geldige invoer.",
    unknown_field: () => "bestaat niet.",
    invalid: () => "klopt niet.",
    control_character: () => "bevat een onzichtbaar stuurteken; haal het weg.",
    id_invalid: () => "gebruik alleen letters, cijfers en - _ . : (hoogstens 64 tekens).",
    language_invalid: (p) => `${p.value}: gebruik taalcodes zoals nl, tr, ar, en.`,
    weekday_invalid: (p) => `${p.value}: gebruik de dagen ma di wo do vr za zo.`,
    age_invalid: (p) => `'${p.value}' is geen leeftijd tussen 0 en 120.`,
    age_order: (p) => `${p.max_age} is lager dan de minimumleeftijd ${p.min_age}.`,
    number_invalid: (p) => `'${p.value ?? ""}' is geen getal.`,
    outside_netherlands: () => "ligt buiten Nederland.",
    postcode_invalid: (p) => `'${p.value}' is geen Nederlandse postcode; schrijf die als 1234 AB.`,
    postcode_incomplete: () => "vul een volledige postcode in (1234 AB).",
    postcode_needed: () => "vul ook een postcode in.",
    schedule_invalid: (p) => `'${p.value}' is geen vast tijdstip in de week. Schrijf een dag (ma, di, wo, do, vr, za of zo) ` +
                             "met begin- en eindtijd, bijvoorbeeld 'di 14:00-16:00'; meerdere gescheiden door een puntkomma.",
    schedule_order: (p) => `'${p.value}' eindigt voordat het begint.`,
    amount_invalid: () => "is geen bedrag; schrijf bijvoorbeeld 2,50, of 0 als het gratis is.",
    amount_range: () => "moet 0 (gratis) of een positief bedrag per maand zijn.",
    date_invalid: () => "is geen datum; schrijf JJJJ-MM-DD.",
    date_future: () => "ligt in de toekomst.",
    version_invalid: () => "moet een versienummer zijn.",
    organisation_needed: () => "een redacteur hoort bij één organisatie: vul de organisatie in.",
    activity_with_started: () => "kies de activiteit alleen bij 'gestart met een activiteit', en dan verplicht.",
    same_listing: () => "kies twee verschillende activiteiten.",
    lat_lon_pair: () => "Vul zowel breedte- als lengtegraad in, of geen van beide (en een postcode).",
    location_missing: () => "Vul de postcode van de cliënt in.",
    wish_missing: () => "Vul trefwoorden of een verslag van de intake in: zonder wens valt er niets te zoeken.",
    term_not_filterable: () => "op deze term kan niet gefilterd worden.",
    record_unknown: () => DUTCH[404],
    taxonomy_unknown: () => DUTCH[404],
    taxonomy_term_unknown: () => DUTCH[404],
    field_count: () => "de regel heeft meer velden dan de kopregel.",
    id_duplicate: (p) => `'${p.id}' komt al voor op regel ${p.line}.`,
  };

  // The Dutch names of languages, weekdays, categories, capacity (GET /vocabulary, catalog/vocabulary.py):
  // filled before a page starts (loginPanel waits for it), so pages read it without waiting.
  const words = { languages: {}, days: {}, categories: {}, capacity: {}, wheelchair: {} };
  const wordsLoaded = fetch("/vocabulary").then((r) => (r.ok ? r.json() : {}))
    .then((v) => { Object.assign(words, v); }).catch(() => { /* names fall back to the codes */ });

  // The fields the API names in its details, as the pages call them.
  const FIELD_NAMES = {
    title: "Titel", description: "Beschrijving", schedule: "Dagen en tijden", capacity: "Plaatsen",
    cost_eur_month: "Kosten per maand", contact: "Contact", address: "Adres", postcode: "Postcode",
    neighbourhood: "Wijk", organisation: "Organisatie", kind: "Soort", categories: "Categorieën",
    min_age: "Minimumleeftijd", max_age: "Maximumleeftijd", gender: "Voor wie", languages: "Talen",
    culture: "Cultuur", lat: "Breedtegraad", lon: "Lengtegraad", wheelchair: "Rolstoel",
    last_verified: "Laatst bevestigd", body: "Invoer", id: "Id", types: "Soorten activiteit",
    target_groups: "Doelgroepen", narrative: "Verslag van de intake", interests: "Trefwoorden", age: "Leeftijd",
    max_distance_km: "Afstand", availability: "Dagen", budget_eur_month: "Budget per maand",
    username: "Gebruikersnaam", password: "Wachtwoord", activity_id: "Activiteit", outcome: "Uitkomst",
  };

  // The Dutch text of a code, or "" for a code this page does not know.
  function dutch(code, params = {}) {
    const text = CODES[code];
    return text ? text(params || {}) : "";
  }

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
      let answer = {};
      try { answer = (await response.json()) || {}; } catch (e) { /* not JSON */ }
      if (response.status === 401) forget();
      const details = Array.isArray(answer.details) ? answer.details : [];
      let text = dutch(answer.code, answer.params);
      // A whole-answer code that says only "the input is wrong": the one field's problem says more.
      if (details.length === 1 && (answer.code === "invalid_input" || !text)) {
        const d = details[0], part = dutch(d.code, d.params);
        if (part) text = d.field && d.field !== "body" ? `${FIELD_NAMES[d.field] || d.field}: ${part}` : part;
      }
      text = text || DUTCH[response.status] || `De server antwoordde met fout ${response.status}.`;
      throw new ApiError(response.status, text, { code: answer.code || "", params: answer.params || {}, details });
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
      wordsLoaded.then(() => onReady(current));
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

  return { el, api, ApiError, dutch, FIELD_NAMES, words, login, logout, who, busy, showError, loginPanel, euro, km };
})();
