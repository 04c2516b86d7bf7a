"use strict";
// The organisation's page: its listings on the social map (which are stale, confirm, edit, pause,
// resume) and the candidate duplicates that involve them. Every figure comes from the JSON API with
// the caller's token; nothing is kept in the browser but the session (see common.js).
(() => {
  const { el } = SM;
  const ROLES = ["editor", "admin"];
  const CAPACITY_SHORT = { open: "open", waitlist: "wachtlijst", full: "vol" };
  // Dutch names of the fields the API can name in a 422 (ActivityFields in api/schemas.py).
  const FIELD_NAMES = SM.FIELD_NAMES;
  const EDITABLE = ["title", "description", "schedule", "capacity", "cost_eur_month", "contact", "address"];

  const account = document.getElementById("account");
  const app = document.getElementById("app");
  const state = { me: null, organisation: null, listings: [], staleMonths: 12, rows: new Map(), editing: null };
  let view = null;   // the page's fixed parts, made once after login

  // ---------------------------------------------------------------- helpers

  const enc = encodeURIComponent;
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  function dutchDate(iso) {
    const date = new Date(`${iso}T00:00:00Z`);
    if (Number.isNaN(date.getTime())) return iso;
    return date.toLocaleDateString("nl-NL", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  function say(text) {          // a success message, announced (role=status)
    view.error.replaceChildren();
    view.message.textContent = text;
  }

  function fail(error, target = view.error) {
    view.message.textContent = "";
    SM.showError(target, error);
    if (error && error.status === 401) {          // the session ended: log in again, then carry on
      SM.loginPanel(account, ROLES, start);
    }
  }

  async function busyWhile(region, text, buttons, work) {
    buttons.forEach((b) => { b.disabled = true; });
    SM.busy(region, true, text);
    try {
      return await work();
    } finally {
      SM.busy(region, false);
      buttons.forEach((b) => { if (b.isConnected) b.disabled = false; });
    }
  }

  // ---------------------------------------------------------------- the page's fixed parts

  function start(me) {
    state.me = me;
    view = {
      message: el("p", { id: "melding", class: "ok", role: "status" }),
      error: el("div", { id: "fout" }),
      listHeading: el("h2", { id: "lijst-titel", tabindex: "-1" }, "Onze activiteiten"),
      summary: el("p", { id: "samenvatting" }),
      table: el("div", { id: "lijst" }),
      dupMessage: el("p", { id: "dubbel-melding", class: "ok", role: "status" }),
      dupError: el("div", { id: "dubbel-fout" }),
      dupHeading: el("h2", { id: "dubbel-titel", tabindex: "-1" }, "Mogelijke dubbele vermeldingen"),
      dupList: el("div", { id: "dubbel-lijst" }),
    };
    view.listings = el("section", { id: "activiteiten", "aria-labelledby": "lijst-titel" },
      view.listHeading, view.summary, view.message, view.error, view.table);
    view.duplicates = el("section", { id: "dubbel", "aria-labelledby": "dubbel-titel" },
      view.dupHeading,
      el("p", { class: "muted" }, "Vermeldingen die op elkaar lijken (titel, beschrijving, tijd, adres). " +
        "Zo vindt een cliënt niet twee keer hetzelfde."),
      me.role === "admin" ? null :
        el("p", { class: "note" }, "De beheerder van de sociale kaart beslist of twee vermeldingen samengevoegd " +
          "worden of geen dubbel zijn. U hoeft hier niets te doen; wilt u iets kwijt over een paar, laat het de beheerder weten."),
      view.dupMessage, view.dupError, view.dupList);

    if (me.role === "admin") {
      const input = el("input", { id: "org-naam", name: "organisation", autocomplete: "off", spellcheck: "false",
                                  "aria-describedby": "org-hint" });
      const form = el("form", { class: "org-choice panel", "aria-labelledby": "org-titel" },
        el("h2", { id: "org-titel" }, "Welke organisatie?"),
        el("label", { for: "org-naam" }, "Organisatie"),
        el("p", { id: "org-hint", class: "muted hint" }, "De naam zoals in de sociale kaart, bijvoorbeeld Bibliotheek Zeist."),
        el("div", { class: "inline-row" }, input, el("button", { type: "submit" }, "Tonen")));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const name = input.value.trim();
        if (!name) {
          SM.showError(view.error, new Error("Vul de naam van een organisatie in."));
          app.replaceChildren(form, view.error);
          input.focus();
          return;
        }
        const url = new URL(location.href);
        url.searchParams.set("organisatie", name);
        history.replaceState(null, "", url);
        load(name, true);
      });
      view.chooser = form;
      const chosen = new URL(location.href).searchParams.get("organisatie");
      if (chosen) {
        input.value = chosen;
        load(chosen);
      } else {
        app.replaceChildren(form);
      }
    } else {
      view.chooser = null;
      load(me.organisation);
    }
  }

  // ---------------------------------------------------------------- listings

  async function fetchListings(organisation) {
    const items = [];
    for (let offset = 0; ; offset += 200) {
      const page = await SM.api(`/activities?organisation=${enc(organisation)}&limit=200&offset=${offset}`);
      items.push(...page.items);
      if (items.length >= page.total || page.items.length === 0) return items;
    }
  }

  async function load(organisation, focusHeading = false) {
    state.organisation = organisation;
    state.editing = null;
    app.replaceChildren(...[view.chooser, view.listings, view.duplicates].filter(Boolean));
    view.listHeading.textContent = `Activiteiten van ${organisation}`;
    view.message.textContent = "";
    view.error.replaceChildren();
    try {
      await busyWhile(view.listings, "De activiteiten worden geladen...", [], async () => {
        const [items, stale] = await Promise.all([
          fetchListings(organisation),
          SM.api(`/stale?organisation=${enc(organisation)}`).catch(() => null),
        ]);
        if (stale) state.staleMonths = Math.round(stale.stale_after_days * 12 / 365.25);
        // Stale first (the oldest first), then the rest by title.
        state.listings = items.sort((a, b) => (b.stale - a.stale)
          || (a.stale ? a.last_verified.localeCompare(b.last_verified) : 0)
          || a.title.localeCompare(b.title, "nl"));
      });
      renderListings();
      if (focusHeading) view.listHeading.focus();
    } catch (e) {
      view.summary.textContent = "";
      view.table.replaceChildren();
      fail(e);
      return;
    }
    loadDuplicates();
  }

  function renderSummary() {
    const all = state.listings.length;
    const stale = state.listings.filter((a) => a.stale).length;
    const paused = state.listings.filter((a) => a.paused).length;
    const months = `${state.staleMonths} maanden`;
    if (!all) {
      view.summary.replaceChildren(`Er staan geen activiteiten van ${state.organisation} op de sociale kaart. ` +
        "Controleer de naam (hoofdletters maken niet uit).");
      return;
    }
    view.summary.replaceChildren(
      stale ? el("strong", { class: "stale-count" }, `${plural(stale, "activiteit", "activiteiten")} niet bevestigd in ${months}. `)
            : `Alle ${plural(all, "activiteit", "activiteiten")} zijn bevestigd in de afgelopen ${months}. `,
      stale ? "Klopt een activiteit nog? Klik dan op Bevestigen; klopt er iets niet, kies Bewerken. " : "",
      paused ? `${plural(paused, "activiteit is", "activiteiten zijn")} gepauzeerd en wordt niemand aangeraden.` : "");
  }

  function renderListings() {
    renderSummary();
    state.rows = new Map();
    if (!state.listings.length) {
      view.table.replaceChildren();
      return;
    }
    const body = el("tbody", {}, state.listings.map((a) => {
      const row = listingRow(a);
      state.rows.set(a.id, row);
      return row;
    }));
    view.table.replaceChildren(el("table", { class: "listings" },
      el("caption", { class: "sr-only" }, `Activiteiten van ${state.organisation}, niet bevestigde eerst`),
      el("thead", {}, el("tr", {},
        ["Activiteit", "Wijk", "Dagen en tijden", "Plaatsen", "Laatst bevestigd", "Status", "Acties"]
          .map((h) => el("th", { scope: "col" }, h)))),
      body));
  }

  function listingRow(a) {
    const badges = [];
    if (a.stale) badges.push(el("span", { class: "badge stale" }, "verouderd"));
    if (a.paused) badges.push(el("span", { class: "badge paused" }, "gepauzeerd"));
    if (!badges.length) badges.push(el("span", { class: "muted" }, "actueel"));
    const named = (text) => [text, el("span", { class: "sr-only" }, `: ${a.title}`)];
    const editing = state.editing && state.editing.id === a.id;
    return el("tr", { id: `rij-${a.id}`, "data-id": a.id, class: [a.stale ? "is-stale" : "", a.paused ? "is-paused" : ""].join(" ").trim() || null },
      el("th", { scope: "row" }, el("span", { class: "title" }, a.title), " ", el("span", { class: "muted id" }, a.id)),
      el("td", { "data-col": "wijk" }, a.neighbourhood),
      el("td", { "data-col": "dagen" }, a.schedule.length
        ? a.schedule.map((slot, i) => el("span", { class: "slot" }, slot, i + 1 < a.schedule.length ? el("span", { class: "sr-only" }, ", ") : null))
        : el("span", { class: "muted" }, "geen vaste tijden")),
      el("td", { "data-col": "plaatsen" }, CAPACITY_SHORT[a.capacity] || a.capacity),
      el("td", { "data-col": "bevestigd" }, el("time", { datetime: a.last_verified }, dutchDate(a.last_verified))),
      el("td", { "data-col": "status" }, badges),
      el("td", { class: "actions" },
        el("button", { type: "button", class: a.stale ? null : "secondary", "data-action": "confirm",
                       onclick: (e) => act(a.id, "confirm", e.currentTarget) }, named("Bevestigen")),
        el("button", { type: "button", class: "secondary", "data-action": "edit", "aria-expanded": editing ? "true" : "false",
                       "aria-controls": editing ? "bewerk-formulier" : null,
                       onclick: (e) => openEditor(a.id, e.currentTarget) }, named("Bewerken")),
        a.paused
          ? el("button", { type: "button", class: "secondary", "data-action": "resume",
                           onclick: (e) => act(a.id, "resume", e.currentTarget) }, named("Hervatten"))
          : el("button", { type: "button", class: "secondary", "data-action": "pause",
                           onclick: (e) => act(a.id, "pause", e.currentTarget) }, named("Pauzeren"))));
  }

  // One listing changed: its row is redrawn in place (the order stays until the next load).
  function replaceListing(updated, focusAction) {
    const index = state.listings.findIndex((a) => a.id === updated.id);
    if (index >= 0) state.listings[index] = updated;
    const old = state.rows.get(updated.id);
    const row = listingRow(updated);
    if (old) old.replaceWith(row);
    state.rows.set(updated.id, row);
    renderSummary();
    const editing = state.editing;
    if (editing && editing.id === updated.id && sameEditable(editing.original, updated)) {
      editing.version = updated.version;   // confirm/pause touch no field of the open form
      editing.original = updated;
    }
    if (focusAction) {
      const button = row.querySelector(`button[data-action="${focusAction}"]`);
      if (button) button.focus();
    }
  }

  function sameEditable(a, b) {
    return EDITABLE.every((f) => JSON.stringify(a[f]) === JSON.stringify(b[f]));
  }

  const ACTIONS = {
    confirm: { busy: "Bevestigen...", done: (a) => `Bevestigd: ${a.title} is weer actueel (laatst bevestigd ${dutchDate(a.last_verified)}).`, next: "confirm" },
    pause: { busy: "Pauzeren...", done: (a) => `Gepauzeerd: ${a.title} wordt niemand meer aangeraden tot u het hervat.`, next: "resume" },
    resume: { busy: "Hervatten...", done: (a) => `Hervat: ${a.title} wordt weer aangeraden.`, next: "pause" },
  };

  async function act(id, action, button) {
    const what = ACTIONS[action];
    const row = state.rows.get(id);
    try {
      const updated = await busyWhile(view.listings, what.busy, row ? [...row.querySelectorAll("button")] : [button],
        () => SM.api(`/activities/${enc(id)}/${action}`, { method: "POST" }));
      replaceListing(updated, what.next);
      say(what.done(updated));
    } catch (e) {
      fail(e);
    }
  }

  // ---------------------------------------------------------------- the edit form

  function closeEditor(focusButton = false) {
    const editing = state.editing;
    if (!editing) return;
    state.editing = null;
    editing.formRow.remove();
    const row = state.rows.get(editing.id);
    const button = row && row.querySelector('button[data-action="edit"]');
    if (button) {
      button.setAttribute("aria-expanded", "false");
      button.removeAttribute("aria-controls");
      if (focusButton) button.focus();
    }
  }

  async function openEditor(id, button) {
    if (state.editing && state.editing.id === id) {      // the same button again closes the form
      closeEditor(true);
      return;
    }
    closeEditor();
    let current;
    try {
      current = await busyWhile(view.listings, "De activiteit wordt gelezen...", [button],
        () => SM.api(`/activities/${enc(id)}`));
    } catch (e) {
      fail(e);
      return;
    }
    const editor = buildEditor(current);
    const row = state.rows.get(id);
    editor.formRow = el("tr", { class: "edit-row" },
      el("td", { colspan: "7" }, editor.form));
    row.after(editor.formRow);
    state.editing = editor;
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-controls", "bewerk-formulier");
    editor.heading.focus();
  }

  function field(key, label, control, hint) {
    const hintId = hint ? `bewerk-${key}-hint` : null;
    const error = el("p", { id: `bewerk-${key}-fout`, class: "field-error", hidden: true });
    control.id = `bewerk-${key}`;
    control.name = key;
    if (hintId) control.setAttribute("aria-describedby", hintId);
    const wrapper = el("div", { class: `field field-${key}` },
      el("label", { for: control.id }, label),
      hint ? el("p", { id: hintId, class: "hint muted" }, hint) : null,
      control, error);
    return { wrapper, control, error, hintId };
  }

  const costText = (x) => String(x).replace(".", ",");

  function buildEditor(a) {
    const fields = {
      title: field("title", "Titel", el("input", { type: "text", autocomplete: "off" })),
      description: field("description", "Beschrijving", el("textarea", { rows: "5" })),
      schedule: field("schedule", "Dagen en tijden", el("input", { type: "text", autocomplete: "off" }),
        "Een dag (ma, di, wo, do, vr, za of zo) met begin- en eindtijd; meerdere gescheiden door een puntkomma, " +
        "bijvoorbeeld: di 14:00-16:00; do 10:00-12:00. Leeg als er geen vaste tijden zijn."),
      capacity: field("capacity", "Plaatsen", el("select", {},
        Object.entries(SM.words.capacity).map(([value, text]) => el("option", { value }, value === "open" ? `open (${text})` : text)))),
      cost_eur_month: field("cost_eur_month", "Kosten per maand (euro)", el("input", { type: "text", inputmode: "decimal", autocomplete: "off" }),
        "Bijvoorbeeld 2,50; 0 als het gratis is."),
      contact: field("contact", "Contact", el("input", { type: "text", autocomplete: "off" }),
        "E-mailadres of telefoonnummer voor aanmelden of vragen."),
      address: field("address", "Adres", el("input", { type: "text", autocomplete: "off" }),
        "Straat en huisnummer."),
    };
    const summary = el("div", { class: "form-errors", tabindex: "-1" });
    const heading = el("h3", { id: "bewerk-titel", tabindex: "-1" }, `Bewerken: ${a.title}`);
    const save = el("button", { type: "submit" }, "Opslaan");
    const cancel = el("button", { type: "button", class: "secondary", onclick: () => closeEditor(true) }, "Annuleren");
    const form = el("form", { id: "bewerk-formulier", class: "edit panel", novalidate: true, "aria-labelledby": "bewerk-titel" },
      heading,
      el("p", { class: "muted version" }, `${a.id} · versie ${a.version} · ${a.organisation}`),
      summary,
      el("div", { class: "edit-grid" }, Object.values(fields).map((f) => f.wrapper)),
      el("div", { class: "form-buttons" }, save, cancel));
    const editor = { id: a.id, version: a.version, original: a, form, fields, summary, heading, save, formRow: null };
    fill(editor, a);
    form.addEventListener("submit", (event) => { event.preventDefault(); submit(editor); });
    form.addEventListener("keydown", (event) => {   // Escape closes the form, but never drops typed changes
      if (event.key !== "Escape") return;
      event.preventDefault();
      if (!Object.keys(changes(editor)).length) closeEditor(true);
      else editor.summary.replaceChildren(el("p", { class: "note", role: "status" },
        "U heeft wijzigingen die nog niet zijn opgeslagen: kies Opslaan, of Annuleren om ze te laten vallen."));
    });
    return editor;
  }

  function fill(editor, a) {
    const f = editor.fields;
    f.title.control.value = a.title;
    f.description.control.value = a.description;
    f.schedule.control.value = a.schedule.join("; ");
    f.capacity.control.value = a.capacity;
    f.cost_eur_month.control.value = costText(a.cost_eur_month);
    f.contact.control.value = a.contact;
    f.address.control.value = a.address;
  }

  // Only what changed is sent; the API checks every value (the same rules as the CSV import).
  function changes(editor) {
    const f = editor.fields, a = editor.original, out = {};
    const text = (key) => f[key].control.value.trim();
    for (const key of ["title", "description", "contact", "address"]) {
      if (text(key) !== a[key]) out[key] = text(key);
    }
    const schedule = f.schedule.control.value.split(/[;\n]+/).map((s) => s.trim().replace(/\s+/g, " ")).filter(Boolean);
    if (schedule.join("; ") !== a.schedule.join("; ")) out.schedule = schedule;
    if (f.capacity.control.value !== a.capacity) out.capacity = f.capacity.control.value;
    const raw = text("cost_eur_month").replace(/^€\s*/, "").replace(",", ".");
    const cost = raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;   // not a number: the API says why
    if (cost !== a.cost_eur_month) out.cost_eur_month = cost;
    return out;
  }

  function clearErrors(editor) {
    editor.summary.replaceChildren();
    for (const f of Object.values(editor.fields)) {
      f.error.hidden = true;
      f.error.textContent = "";
      f.control.removeAttribute("aria-invalid");
      if (f.hintId) f.control.setAttribute("aria-describedby", f.hintId);
      else f.control.removeAttribute("aria-describedby");
    }
  }

  async function submit(editor) {
    clearErrors(editor);
    const body = changes(editor);
    if (!Object.keys(body).length) {
      editor.summary.replaceChildren(el("p", { class: "note", role: "status" }, "Er is niets gewijzigd."));
      return;
    }
    let updated;
    try {
      updated = await busyWhile(editor.form, "Opslaan...", [editor.save], () => SM.api(`/activities/${enc(editor.id)}`, {
        method: "PATCH", body, headers: { "If-Match": `"${editor.version}"` } }));
    } catch (e) {
      if (e.status === 422) showInvalid(editor, e);
      else if (e.status === 412) showConflict(editor, e, body);
      else {
        SM.showError(editor.summary, e);
        if (e.status === 401) SM.loginPanel(account, ROLES, start);
      }
      editor.summary.focus();
      return;
    }
    closeEditor();
    replaceListing(updated, "edit");
    say(`Opgeslagen: ${updated.title} (nu versie ${updated.version}).`);
  }

  function showInvalid(editor, error) {
    const items = [];
    for (const d of error.details || []) {
      const name = FIELD_NAMES[d.field] || d.field;
      const text = SM.dutch(d.code, d.params) || SM.dutch("invalid");
      const f = editor.fields[d.field];
      if (f) {
        f.error.hidden = false;
        f.error.textContent = f.error.textContent ? `${f.error.textContent} ${text}` : `${name}: ${text}`;
        f.control.setAttribute("aria-invalid", "true");
        f.control.setAttribute("aria-describedby", [f.hintId, f.error.id].filter(Boolean).join(" "));
        items.push(el("li", {}, el("a", { href: `#${f.control.id}` }, `${name}: ${text}`)));
      } else {
        items.push(el("li", {}, `${name}: ${text}`));
      }
    }
    editor.summary.replaceChildren(el("div", { class: "error", role: "alert" },
      el("p", {}, "Niet opgeslagen: de invoer klopt niet. Er is niets gewijzigd."),
      items.length ? el("ul", {}, items) : el("p", {}, error.message)));
  }

  function showConflict(editor, error, attempted) {
    const dutchPart = error.message;   // Dutch already: common.js made it from the code
    const reload = el("button", { type: "button", onclick: () => reloadEditor(editor, attempted, reload) }, "Opnieuw laden");
    editor.summary.replaceChildren(el("div", { class: "error", role: "alert" },
      el("p", {}, dutchPart),
      el("p", {}, "Uw wijzigingen zijn niet opgeslagen. Laad de activiteit opnieuw, bekijk wat er veranderd is en voer uw wijziging opnieuw in."),
      reload));
  }

  async function reloadEditor(editor, attempted, button) {
    let current;
    try {
      current = await busyWhile(editor.form, "Opnieuw laden...", [button, editor.save],
        () => SM.api(`/activities/${enc(editor.id)}`));
    } catch (e) {
      SM.showError(editor.summary, e);
      return;
    }
    editor.version = current.version;
    editor.original = current;
    fill(editor, current);
    clearErrors(editor);
    const tried = Object.entries(attempted).map(([key, value]) =>
      el("li", {}, `${FIELD_NAMES[key] || key}: ${Array.isArray(value) ? value.join("; ") : key === "capacity" ? CAPACITY_SHORT[value] || value : value}`));
    editor.summary.replaceChildren(el("div", { class: "note", role: "status" },
      el("p", {}, `De activiteit is opnieuw geladen (nu versie ${current.version}). Wat u wilde wijzigen:`),
      el("ul", {}, tried)));
    editor.form.querySelector("p.version").textContent = `${current.id} · versie ${current.version} · ${current.organisation}`;
    replaceListing(current);
    editor.fields.title.control.focus();
  }

  // ---------------------------------------------------------------- duplicates

  async function loadDuplicates() {
    view.dupMessage.textContent = "";
    view.dupError.replaceChildren();
    const query = state.me.role === "admin" ? `?organisation=${enc(state.organisation)}&limit=100` : "?limit=100";
    let pairs;
    try {
      pairs = await busyWhile(view.duplicates, "Mogelijke dubbele vermeldingen worden gezocht...", [],
        () => SM.api(`/duplicates${query}`));
    } catch (e) {
      view.dupList.replaceChildren();
      SM.showError(view.dupError, e);
      return;
    }
    renderDuplicates(pairs);
  }

  function renderDuplicates(pairs) {
    if (!pairs.length) {
      view.dupList.replaceChildren(el("p", {}, "Geen mogelijke dubbele vermeldingen gevonden."));
      return;
    }
    view.dupList.replaceChildren(
      el("p", {}, `${plural(pairs.length, "paar", "paren")}, de meest waarschijnlijke eerst.`),
      el("ul", { class: "pairs" }, pairs.map(pairItem)));
  }

  function listingBrief(letter, x) {
    const ours = x.organisation.toLowerCase() === (state.organisation || "").toLowerCase();
    return el("div", { class: "pair-listing" },
      el("p", { class: "pair-title" }, el("span", { class: "letter" }, `${letter}: `), x.title, " ",
        el("span", { class: "muted id" }, x.id)),
      el("p", { class: "muted" }, `${x.organisation}${ours ? " (uw organisatie)" : ""} · ${x.address}` +
        ` · ${x.schedule.length ? x.schedule.join(", ") : "geen vaste tijden"}`));
  }

  function pairItem(pair) {
    const headingId = `paar-${pair.a.id}-${pair.b.id}`;
    const score = Number(pair.score).toFixed(2).replace(".", ",");
    const item = el("li", { class: "pair panel", "data-pair": `${pair.a.id}|${pair.b.id}`, "aria-labelledby": headingId },
      el("h3", { id: headingId },
        `${pair.a.title} en ${pair.b.title}`, el("span", { class: "score" }, ` · score ${score}`)),
      el("div", { class: "pair-listings" }, listingBrief("A", pair.a), listingBrief("B", pair.b)),
      el("p", { class: "reasons-title" }, "Waarom ze op elkaar lijken:"),
      el("ul", { class: "reasons" }, pair.reasons.map((r) => el("li", {}, r))));
    if (state.me.role === "admin") {
      const context = el("span", { class: "sr-only" }, ` (${pair.a.id} en ${pair.b.id})`);
      item.append(el("div", { class: "pair-buttons" },
        el("button", { type: "button", onclick: (e) => merge(pair, pair.a, pair.b, item, e.currentTarget) },
          "Samenvoegen (houd A)", el("span", { class: "sr-only" }, `: houd ${pair.a.id}, ${pair.b.id} verdwijnt`)),
        el("button", { type: "button", onclick: (e) => merge(pair, pair.b, pair.a, item, e.currentTarget) },
          "Samenvoegen (houd B)", el("span", { class: "sr-only" }, `: houd ${pair.b.id}, ${pair.a.id} verdwijnt`)),
        el("button", { type: "button", class: "secondary", onclick: (e) => dismiss(pair, item, e.currentTarget) },
          "Geen dubbel", context)));
    }
    return item;
  }

  function removePair(item) {
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    const target = next && next.querySelector("button");
    if (target) target.focus();
    else view.dupHeading.focus();
    if (!view.dupList.querySelector("li.pair")) {
      view.dupList.replaceChildren(el("p", {}, "Geen mogelijke dubbele vermeldingen meer."));
    }
  }

  async function dismiss(pair, item, button) {
    view.dupError.replaceChildren();
    try {
      await busyWhile(view.duplicates, "Opslaan...", [...item.querySelectorAll("button")],
        () => SM.api("/duplicates/dismiss", { method: "POST", body: { a: pair.a.id, b: pair.b.id } }));
    } catch (e) {
      view.dupMessage.textContent = "";
      SM.showError(view.dupError, e);
      return;
    }
    view.dupMessage.textContent = `Geen dubbel: ${pair.a.title} (${pair.a.id}) en ${pair.b.title} (${pair.b.id}) worden niet meer als paar getoond.`;
    removePair(item);
  }

  async function merge(pair, keep, drop, item, button) {
    if (!window.confirm(`Samenvoegen: ${keep.title} (${keep.id}) blijft, ${drop.title} (${drop.id}) verdwijnt van de kaart. ` +
                        "De geschiedenis van beide blijft bewaard. Doorgaan?")) return;
    view.dupError.replaceChildren();
    try {
      await busyWhile(view.duplicates, "Samenvoegen...", [...item.querySelectorAll("button")],
        () => SM.api("/duplicates/merge", { method: "POST", body: { keep: keep.id, drop: drop.id } }));
    } catch (e) {
      view.dupMessage.textContent = "";
      SM.showError(view.dupError, e);
      return;
    }
    // The dropped listing may have been ours, and other pairs may have named it: read both again.
    closeEditor();
    try {
      state.listings = await fetchListings(state.organisation);
      renderListings();
    } catch (e) {
      fail(e);
    }
    await loadDuplicates();
    view.dupMessage.textContent = `Samengevoegd: ${keep.title} (${keep.id}) blijft; ${drop.id} is opgegaan in ${keep.id}.`;
    view.dupHeading.focus();
  }

  SM.loginPanel(account, ROLES, start);
})();
