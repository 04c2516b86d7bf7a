"use strict";
// The coach's main screen: an intake goes to POST /match; the verdict (tailored offer needed or not),
// a map and the explained suggestions come back; chosen ones become a printable Welzijnsrecept.
// Privacy: the intake lives only in the form and in `state` (memory). Nothing is written to any
// browser storage, the inputs have autocomplete="off", and everything is wiped on `pagehide`.
(() => {
  const ROLES = ["coach", "admin"];
  const LIMIT = 10;
  const RECIPE_DEFAULT = 3;   // no choice made: the recipe gets the top three
  const RECIPE_MAX = 4;       // more does not fit on one A4 page
  // Help for inputs whose pattern the coach got wrong (the browser's own message is vague).
  const PATTERN_HELP = { postcode: "Schrijf de postcode als 1234 AB.",
                         languages_other: "Gebruik taalcodes van twee letters, bijv. de, fr." };
  const { el } = SM;
  const $ = (id) => document.getElementById(id);

  // The last search, in memory only: the answer, where it was searched from, what the coach chose.
  const state = { answer: null, postcode: "", maxKm: 3, chosen: new Set(), searching: false };
  let map = null, mapLayers = null;

  // ---- the intake ----------------------------------------------------------------------------

  function checked(form, name) {
    return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((input) => input.value);
  }

  function numberOrNull(input) {
    return input.value.trim() === "" ? null : Number(input.value);
  }

  // The form as a MatchRequest (api/schemas.py).
  function readIntake(form) {
    const f = form.elements;
    const others = f.languages_other.value.split(/[\s,;]+/).filter(Boolean).map((code) => code.toLowerCase());
    const languages = [...new Set([...checked(form, "languages"), ...others])];
    const intake = {
      narrative: f.narrative.value.trim(),
      interests: f.interests.value.trim(),
      age: numberOrNull(f.age),
      gender: f.gender.value || null,
      culture: f.culture.value.trim() || null,
      postcode: f.postcode.value.trim(),
      max_distance_km: numberOrNull(f.max_distance_km) ?? 3,
      availability: checked(form, "availability"),
      budget_eur_month: numberOrNull(f.budget_eur_month),
      needs_wheelchair_access: f.needs_wheelchair_access.checked,
      record: f.record.checked,
      limit: LIMIT,
    };
    // No language ticked: leave it to the service's default (Dutch) rather than "speaks nothing".
    if (languages.length) intake.languages = languages;
    return intake;
  }

  // The browser checks required fields, ranges and patterns; we add "at least one wish".
  function checkIntake(form) {
    const { narrative, interests } = form.elements;
    const noWish = !narrative.value.trim() && !interests.value.trim();
    interests.setCustomValidity(noWish ? "Vul het verhaal of de trefwoorden in: zonder wens valt er niets te zoeken." : "");
    for (const [name, help] of Object.entries(PATTERN_HELP)) {
      const input = form.elements[name];
      input.setCustomValidity("");
      if (input.validity.patternMismatch) input.setCustomValidity(help);
    }
    return form.reportValidity();
  }

  // ---- searching -----------------------------------------------------------------------------

  function setBusy(on) {
    $("search").disabled = on;
    SM.busy($("results"), on, "Bezig met zoeken…");
  }

  async function search(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const errorBox = $("intake-error");
    if (state.searching) return;
    errorBox.replaceChildren();
    form.elements.postcode.removeAttribute("aria-invalid");
    if (!checkIntake(form)) return;
    const intake = readIntake(form);
    let announcement = "";
    state.searching = true;
    setBusy(true);
    try {
      const answer = await SM.api("/match", { method: "POST", body: intake });
      Object.assign(state, { answer, postcode: normalPostcode(intake.postcode), maxKm: intake.max_distance_km });
      showResults(answer);
      announcement = `Klaar: ${answer.suggestions.length} suggesties. ` +
                     (answer.tailored.needed ? "Maatwerk nodig." : "Er is passend aanbod.");
    } catch (error) {
      // Old results next to a new, failed intake would mislead: clear them.
      forgetAnswer();
      SM.showError(errorBox, error);
      if ((error.details || []).some((d) => d.field === "postcode")) form.elements.postcode.setAttribute("aria-invalid", "true");
      // Session expired: log in again right here, the intake stays in the form.
      if (error.status === 401) SM.loginPanel($("account"), ROLES, showApp);
    } finally {
      state.searching = false;
      setBusy(false);
    }
    $("status").textContent = announcement;
  }

  // ---- results -------------------------------------------------------------------------------

  function showResults(answer) {
    const ids = new Set(answer.suggestions.map((s) => s.activity.id));
    state.chosen = new Set([...state.chosen].filter((id) => ids.has(id)));  // keep choices still on offer
    $("results-empty").hidden = true;
    $("verdict").replaceChildren(verdictBox(answer.tailored), summary(answer));
    $("suggestions").replaceChildren(...answer.suggestions.map(suggestionItem));
    $("recipe-bar").hidden = answer.suggestions.length === 0;
    $("recipe-error").replaceChildren();
    $("recipe").replaceChildren();  // a recipe must never outlive the search it came from
    updateChosenCount();
    drawMap(answer);
  }

  function verdictBox(tailored) {
    const unmet = tailored.unmet_wishes.length ? tailored.unmet_wishes.join(", ") : "";
    if (tailored.needed) {
      return el("div", { class: "verdict tailored" },
        el("h3", {}, "Maatwerk nodig"),
        el("p", {}, tailored.reason),
        unmet ? el("p", {}, `Geen passend aanbod voor: ${unmet}.`) : null,
        el("p", {}, "Zoek verder weg of vraag een aanbieder om een aanbod op maat. " +
                    "De suggesties hieronder zijn het beste binnen bereik, maar passen niet goed."));
    }
    return el("div", { class: "verdict fit" },
      el("h3", {}, "Er is passend aanbod"),
      el("p", {}, tailored.reason),
      unmet ? el("p", {}, `Niets passends gevonden voor: ${unmet}.`) : null);
  }

  function summary(answer) {
    const excluded = Object.entries(answer.excluded).map(([why, n]) => `${why} (${n})`).join(", ");
    return el("p", { class: "summary muted" },
      `${answer.within_reach} activiteiten binnen ${SM.km(state.maxKm)}.`,
      excluded ? ` Afgevallen: ${excluded}.` : "",
      answer.intake_id ? ` Anoniem vastgelegd voor de gemeente (intake ${answer.intake_id}).` : "");
  }

  function slotText(slot) {
    const m = /^(ma|di|wo|do|vr|za|zo)\s+(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/.exec(slot);
    return m ? `${SM.words.days[m[1]] || m[1]} ${m[2]}–${m[3]}` : slot;
  }

  function scheduleText(schedule) {
    return schedule.length ? schedule.map(slotText).join("; ") : "op afspraak";
  }

  // Only well-formed e-mail addresses, phone numbers and web addresses become links.
  function contactNode(contact) {
    const text = (contact || "").trim();
    if (/^[^\s@:]+@[^\s@:]+\.[a-z]{2,}$/i.test(text)) return el("a", { href: `mailto:${text}` }, text);
    if (/^\+?[0-9][0-9 ()-]{5,}$/.test(text)) return el("a", { href: `tel:${text.replace(/[^0-9+]/g, "")}` }, text);
    if (/^https?:\/\/\S+$/i.test(text)) return el("a", { href: text, rel: "noopener noreferrer" }, text);
    return text || "niet bekend";
  }

  function fact(term, value) {
    return el("div", {}, el("dt", {}, term), el("dd", {}, value));
  }

  function monthYear(isoDate) {
    return new Date(`${isoDate}T12:00:00`).toLocaleDateString("nl-NL", { month: "long", year: "numeric" });
  }

  function suggestionItem(s) {
    const a = s.activity, id = `s-${s.rank}`;
    const choose = el("input", { type: "checkbox", id: `${id}-choose`, checked: state.chosen.has(a.id),
                                 onchange: (event) => setChosen(a.id, event.target.checked) });
    return el("li", { id, class: "suggestion", tabindex: "-1", "aria-labelledby": `${id}-title` },
      el("h3", { id: `${id}-title` }, el("span", { class: "rank" }, String(s.rank)), el("span", {}, a.title)),
      el("p", { class: "where" }, `${a.organisation} · ${a.address}, ${a.neighbourhood}`),
      el("p", { class: "badges" },
        el("span", { class: `badge capacity-${a.capacity}` }, SM.words.capacity[a.capacity] || a.capacity),
        a.stale ? el("span", { class: "badge stale" }, `niet bevestigd sinds ${monthYear(a.last_verified)}`) : null),
      el("p", { class: "explanation" }, s.explanation),
      el("dl", { class: "facts" },
        fact("Afstand", SM.km(s.distance_km)),
        fact("Wanneer", scheduleText(a.schedule)),
        fact("Kosten", SM.euro(a.cost_eur_month)),
        fact("Contact", contactNode(a.contact))),
      s.compromises.length ? el("p", { class: "compromises" }, el("strong", {}, "Let op: "), s.compromises.join("; ")) : null,
      el("label", { class: "choose", for: choose.id }, choose, "Kies voor het recept",
        el("span", { class: "sr-only" }, `: ${a.title}`)));
  }

  function setChosen(activityId, on) {
    if (on) state.chosen.add(activityId); else state.chosen.delete(activityId);
    $("recipe-error").replaceChildren();
    updateChosenCount();
  }

  function updateChosenCount() {
    const n = state.chosen.size;
    $("chosen-count").textContent = n === 0 ? `Nog niets gekozen: het recept krijgt de eerste ${RECIPE_DEFAULT}.`
      : `${n} gekozen voor het recept.`;
  }

  // A marker or map label was activated: bring its suggestion into view and give it focus.
  function focusSuggestion(rank) {
    const item = $(`s-${rank}`);
    if (!item) return;
    item.scrollIntoView({ block: "center" });
    item.focus({ preventScroll: true });
  }

  // ---- the map (no tiles: nothing leaves the service, the background is plain CSS) ------------

  function createMap(box) {
    map = L.map(box, { zoomControl: false, attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
    L.control.zoom({ zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen" }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);  // without tiles the scale is the only sense of distance
    mapLayers = L.layerGroup().addTo(map);
    map.on("zoomend", layoutLabels);
  }

  // Markers that (nearly) touch on screen would hide each other's numbers: stack their labels in a
  // column beside the first of them. Redone after every zoom, since what touches changes.
  function layoutLabels() {
    const markers = [];
    mapLayers.eachLayer((layer) => { if (layer.options.className === "suggestion-marker") markers.push(layer); });
    const groups = [];
    for (const marker of markers) {
      const p = map.latLngToContainerPoint(marker.getLatLng());
      const group = groups.find((g) => g.anchor.distanceTo(p) < 30);
      if (group) group.members.push([marker, p]); else groups.push({ anchor: p, members: [[marker, p]] });
    }
    for (const { anchor, members } of groups) {
      const right = Math.max(...members.map(([, p]) => p.x));  // the column clears every member's dot
      members.forEach(([marker, p], k) => {
        const tooltip = marker.getTooltip();
        tooltip.options.offset = L.point(12 + right - p.x, (k - (members.length - 1) / 2) * 22 + anchor.y - p.y);
        tooltip.update();
      });
    }
  }

  function addSuggestionMarker(s) {
    const a = s.activity;
    const marker = L.circleMarker([a.lat, a.lon], { radius: 9, color: "#ffffff", weight: 2, fillColor: "#0b5394",
                                                    fillOpacity: 1, className: "suggestion-marker" })
      .bindTooltip(String(s.rank), { permanent: true, direction: "right", className: "rank-label" })
      .on("click", () => focusSuggestion(s.rank))
      .addTo(mapLayers);
    // Leaflet's SVG paths are mouse-only: make each one a named, focusable button.
    const path = marker.getElement();
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "button");
    path.setAttribute("aria-label", `${s.rank}. ${a.title}, ${SM.km(s.distance_km)}: toon in de lijst`);
    path.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); focusSuggestion(s.rank); }
    });
  }

  function drawMap(answer) {
    const box = $("map");
    box.hidden = false;
    if (!window.L) {  // the server has no map library (scripts/setup.sh not run): say so, keep the list
      box.replaceChildren(el("p", { class: "map-missing" }, "De kaart is niet beschikbaar: de kaartbibliotheek ontbreekt."));
      return;
    }
    if (!map) createMap(box);
    map.invalidateSize();  // the container was hidden until now
    mapLayers.clearLayers();
    const home = [answer.location.lat, answer.location.lon];
    // The view first: Leaflet draws no layer (and makes no SVG path to label) before it has one.
    const points = [home, ...answer.suggestions.map((s) => [s.activity.lat, s.activity.lon])];
    map.fitBounds(L.latLngBounds(points), { padding: [40, 40], maxZoom: 16, animate: false });
    L.circle(home, { radius: state.maxKm * 1000, interactive: false, color: "#4a4a4a", weight: 1.5,
                     dashArray: "6 6", fillColor: "#0b5394", fillOpacity: 0.05 }).addTo(mapLayers);
    // The client's label goes left: the suggestions' numbers are on the right.
    L.circleMarker(home, { radius: 7, interactive: false, color: "#1b1b1b", weight: 3, fillColor: "#f2a900", fillOpacity: 1 })
      .bindTooltip("Cliënt", { permanent: true, direction: "left", offset: [-8, 0], className: "home-label" })
      .addTo(mapLayers);
    answer.suggestions.forEach(addSuggestionMarker);
    layoutLabels();
  }

  // ---- the Welzijnsrecept (for the client to take home: no narrative, no name) ----------------

  function normalPostcode(text) {
    const m = /^\s*([1-9][0-9]{3})\s?([a-z]{2})?\s*$/i.exec(text);
    return m ? [m[1], (m[2] || "").toUpperCase()].join(" ").trim() : text.trim();
  }

  function recipeSuggestions() {
    const all = state.answer ? state.answer.suggestions : [];
    const chosen = all.filter((s) => state.chosen.has(s.activity.id));
    return (chosen.length ? chosen : all.slice(0, RECIPE_DEFAULT)).slice(0, RECIPE_MAX);
  }

  // Straight-line distance, with a detour factor, at walking (4,5 km/u) and cycling (15 km/u) pace.
  function travelText(km) {
    const minutes = (kmh) => Math.max(5, Math.round((km * 1.3 / kmh) * 60 / 5) * 5);
    const from = `postcode ${state.postcode}`;
    if (km < 0.2) return `Vlak bij ${from}: een paar minuten lopen.`;
    return `${SM.km(km)} vanaf ${from}: ongeveer ${minutes(4.5)} min. lopen of ${minutes(15)} min. fietsen.`;
  }

  // The listing's first sentence or so: enough to know what to expect, short enough for one page.
  function shortDescription(text) {
    const first = text.split(/(?<=[.!?])\s+/)[0];
    return first.length <= 180 ? first : `${first.slice(0, 177).replace(/\s+\S*$/, "")}…`;
  }

  function recipeItem(s, i) {
    const a = s.activity;
    return el("article", { class: "recipe-item" },
      el("h2", {}, `${i + 1}. ${a.title}`),
      el("p", { class: "recipe-org" }, a.organisation),
      el("dl", {},
        fact("Wat", shortDescription(a.description)),
        fact("Waar", `${a.address}, ${a.postcode} ${a.neighbourhood}`),
        fact("Wanneer", scheduleText(a.schedule)),
        fact("Kosten", SM.euro(a.cost_eur_month)),
        fact("Contact", a.contact || "niet bekend"),
        fact("Hoe kom ik er?", travelText(s.distance_km)),
        a.capacity === "waitlist" ? fact("Let op", "Er is een wachtlijst: meld u eerst aan.") : null));
  }

  function buildRecipe() {
    const recipe = $("recipe");
    const items = recipeSuggestions();
    if (!items.length) {
      recipe.replaceChildren(el("p", {}, "Nog geen suggesties: zoek eerst activiteiten."));
      return;
    }
    const today = new Date().toLocaleDateString("nl-NL", { day: "numeric", month: "long", year: "numeric" });
    recipe.replaceChildren(
      el("header", { class: "recipe-head" },
        el("p", { class: "recipe-brand" }, "Welzijn op Recept"),
        el("h1", {}, "Welzijnsrecept"),
        el("p", { class: "recipe-date" }, `Datum: ${today}`)),
      el("p", { class: "recipe-intro" }, items.length === 1
        ? "Een activiteit die past bij wat u energie geeft. Neem contact op of loop eens binnen."
        : "Activiteiten die passen bij wat u energie geeft. Kies er een, neem contact op of loop eens binnen."),
      ...items.map(recipeItem),
      el("p", { class: "recipe-foot" }, "Lukt het niet, of past het toch niet? Neem contact op met uw welzijnscoach."));
  }

  function printRecipe() {
    const errorBox = $("recipe-error");
    errorBox.replaceChildren();
    if (state.chosen.size > RECIPE_MAX) {
      SM.showError(errorBox, new Error(`Kies hooguit ${RECIPE_MAX} activiteiten: dan past het recept op één A4.`));
      return;
    }
    buildRecipe();
    window.print();
  }

  // ---- privacy: nothing of the intake survives the page ---------------------------------------

  function forgetAnswer() {
    Object.assign(state, { answer: null, postcode: "", chosen: new Set() });
    for (const id of ["verdict", "suggestions", "recipe", "recipe-error"]) $(id).replaceChildren();
    $("recipe-bar").hidden = true;
    $("map").hidden = true;
    if (mapLayers) mapLayers.clearLayers();
    $("results-empty").hidden = false;
  }

  function wipe() {
    $("intake").reset();
    $("intake-error").replaceChildren();
    $("status").textContent = "";
    forgetAnswer();
  }

  function showApp() {
    const app = $("app");
    const first = app.hidden;
    app.hidden = false;
    if (first) $("f-narrative").focus();
  }

  $("intake").addEventListener("submit", search);
  $("print").addEventListener("click", printRecipe);
  // Printed with the browser's own menu: the recipe must reflect the current choice too.
  window.addEventListener("beforeprint", buildRecipe);
  window.addEventListener("pagehide", wipe);
  SM.loginPanel($("account"), ROLES, showApp);
})();
