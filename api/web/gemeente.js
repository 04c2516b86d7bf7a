"use strict";
// The municipality's page: the 80/20 indicator, the gaps in the social basis as sentences, a map of
// the wijken coloured by the chosen filter (with the same figures in a table beside it), coverage,
// and the CSV download. Every figure comes from the API, already rounded and with small numbers
// hidden ("< 5"); this page never works out a number the API does not give.
(() => {
  const { el } = SM;
  const ROLES = ["analyst", "admin"];
  const NOT_SHOWN = "niet getoond (kleine aantallen)";
  const HATCH = "url(#niet-getoond)";
  const SENTENCES_FIRST = 15;
  const DIMENSIONS = [["alle", "alle cliënten"], ["leeftijd", "per leeftijdsgroep"], ["taal", "per taal"], ["gender", "per gender"]];
  const GENDERS = { vrouw: "vrouwen", man: "mannen", x: "gender x" };

  const COUNT_CLASSES = [
    { test: (v) => v < 10, colour: "#deebf7", label: "circa 5" },
    { test: (v) => v < 20, colour: "#9ecae1", label: "circa 10 tot 15" },
    { test: (v) => v < 40, colour: "#4292c6", label: "circa 20 tot 35" },
    { test: () => true, colour: "#08519c", label: "circa 40 of meer" },
  ];
  // What the map can show: its title, how a value reads and the colour classes (a diverging scale
  // around the 80% norm for the indicator; more colour = more need for the others).
  const SCALES = {
    indicator: {
      title: "Aandeel intakes met passend aanbod in de buurt (80/20-indicator)",
      classes: [
        { test: (v) => v < 0.4, colour: "#b2182b", label: "minder dan 40%" },
        { test: (v) => v < 0.6, colour: "#ef8a62", label: "40% tot 60%" },
        { test: (v) => v < 0.8, colour: "#fddbc7", label: "60% tot 80% (onder de norm)" },
        { test: () => true, colour: "#4393c3", label: "80% of meer (norm gehaald)" },
      ],
    },
    demand: { title: "Vraag: aantal cliënten met deze wens", classes: COUNT_CLASSES },
    tailored: { title: "Aantal cliënten voor wie niets passends in de buurt was", classes: COUNT_CLASSES },
    share: {
      title: "Aandeel cliënten voor wie niets passends in de buurt was",
      classes: [
        { test: (v) => v < 0.2, colour: "#fee5d9", label: "minder dan 20%" },
        { test: (v) => v < 0.4, colour: "#fcae91", label: "20% tot 40%" },
        { test: (v) => v < 0.6, colour: "#fb6a4a", label: "40% tot 60%" },
        { test: () => true, colour: "#cb181d", label: "60% of meer" },
      ],
    },
  };
  const MEASURES = [["demand", "vraag (aantal cliënten)"], ["tailored", "niets passends gevonden (aantal)"],
                    ["share", "niets passends gevonden (aandeel)"]];

  const account = document.getElementById("account");
  const app = document.getElementById("app");
  const state = { indicator: null, geojson: null, wishes: [], labels: {}, groups: {}, walkingKm: 1, minCount: 5,
                  generation: 0, map: null, layers: new Map() };
  let view = null;

  // ---------------------------------------------------------------- helpers

  const enc = encodeURIComponent;
  const pct = (share) => `${Math.round(share * 100)}%`;
  const about = (value) => typeof value === "number" ? `circa ${value}` : String(value).replace("<", "minder dan");
  const count = (value) => String(value);   // a number (rounded to 5) or "< 5": shown as the API gives it
  const kmText = (x) => `${Number(x).toFixed(1).replace(".", ",")} km`;
  const byName = (a, b) => a.localeCompare(b, "nl");

  function groupLabel(dimension, value) {
    if (dimension === "alle" || !value) return "alle cliënten";
    if (dimension === "leeftijd") return `${value} jaar`;
    if (dimension === "gender") return GENDERS[value] || value;
    if (value === "nl") return "Nederlandstalig";
    return `${SM.words.languages[value] || value}, geen Nederlands`;
  }

  function wishLabel(wish) {
    return wish ? state.labels[wish] || wish : "alle wensen";
  }

  function verdictNode(verdict) {
    if (!verdict) return el("span", { class: "muted" }, "onbekend (kleine aantallen)");
    return el("span", { class: verdict.startsWith("onder") ? "verdict below" : "verdict above" }, verdict);
  }

  function fail(error, target) {
    SM.showError(target, error);
    if (error && error.status === 401) SM.loginPanel(account, ROLES, start);
  }

  // ---------------------------------------------------------------- start

  async function start() {
    if (state.map) state.map.remove();        // after a new login: start afresh
    Object.assign(state, { map: null, layers: new Map(), labels: {}, groups: {}, wishes: [] });
    view = buildView();
    app.replaceChildren(view.root);
    SM.busy(app, true, "De cijfers worden geladen...");
    let indicator, geojson, coverage, gaps;
    try {
      [indicator, geojson, coverage, gaps] = await Promise.all([
        SM.api("/indicator"), SM.api("/wijken.geojson"), SM.api("/coverage"),
        SM.api("/gaps?dimension=alle&limit=5000"),
      ]);
    } catch (e) {
      SM.busy(app, false);
      app.replaceChildren(view.loadError);
      fail(e, view.loadError);
      return;
    }
    SM.busy(app, false);
    state.indicator = indicator;
    state.geojson = geojson;
    state.walkingKm = coverage.walking_km;
    state.minCount = gaps.min_count;
    // The wishes: every category (coverage names them all) and "overig"; Dutch labels from the gap rows.
    for (const row of coverage.items) state.labels[row.category] = row.label;
    for (const row of gaps.items) state.labels[row.wish] = row.label;
    state.labels.overig = state.labels.overig ? `overig: ${state.labels.overig}` : "overig";
    state.wishes = Object.keys(state.labels).sort((a, b) => a === "overig" ? 1 : b === "overig" ? -1 : byName(state.labels[a], state.labels[b]));
    renderIndicator();
    fillWishes();
    initMap();
    await update();
  }

  function buildView() {
    const v = {};
    v.loadError = el("div", { id: "laad-fout" });
    // The indicator.
    v.overall = el("div", { class: "overall" });
    v.indicatorTable = el("div", { class: "table-wrap" });
    v.months = el("div", { class: "table-wrap" });
    const indicator = el("section", { id: "indicator", "aria-labelledby": "indicator-titel" },
      el("h2", { id: "indicator-titel" }, "De 80/20-indicator"),
      el("p", { class: "muted" }, "Het aandeel intakes waarvoor een passende activiteit in de buurt was (geen maatwerk nodig), " +
        "tegen de norm van 80%. Aantallen zijn afgerond op 5; onder de 5 staat \u201c< 5\u201d."),
      v.overall, v.indicatorTable,
      el("details", { class: "months" }, el("summary", {}, "Per maand"), v.months));

    // The filters.
    v.wish = el("select", { id: "f-wens", name: "wish" });
    v.dimension = el("select", { id: "f-groep", name: "dimension" },
      DIMENSIONS.map(([value, text]) => el("option", { value }, text)));
    v.group = el("select", { id: "f-welke", name: "group" });
    v.measure = el("select", { id: "f-kleur", name: "measure" },
      MEASURES.map(([value, text]) => el("option", { value }, text)));
    v.groupField = el("div", { class: "filter", hidden: true }, el("label", { for: "f-welke" }, "Welke groep"), v.group);
    v.measureField = el("div", { class: "filter", hidden: true }, el("label", { for: "f-kleur" }, "Kleur op de kaart"), v.measure);
    v.filterStatus = el("p", { id: "filter-status", role: "status", class: "muted" });
    v.filterError = el("div", {});
    v.csvAll = el("a", { href: "/gaps.csv", class: "download", onclick: (e) => download(e, false) }, "Alle cijfers downloaden (CSV)");
    v.csvSelection = el("a", { href: "/gaps.csv", class: "download", onclick: (e) => download(e, true) }, "Alleen deze selectie (CSV)");
    v.downloadError = el("div", {});
    for (const control of [v.wish, v.group, v.measure]) control.addEventListener("change", update);
    v.dimension.addEventListener("change", changeDimension);
    const filters = el("section", { id: "filters", "aria-labelledby": "filter-titel", class: "panel" },
      el("h2", { id: "filter-titel" }, "Tekorten per wijk: kies wat u wilt zien"),
      el("form", { class: "filters", onsubmit: (e) => { e.preventDefault(); update(); } },
        el("div", { class: "filter" }, el("label", { for: "f-wens" }, "Wens (categorie)"), v.wish),
        el("div", { class: "filter" }, el("label", { for: "f-groep" }, "Groep"), v.dimension),
        v.groupField, v.measureField),
      v.filterStatus, v.filterError,
      el("p", { class: "downloads" }, v.csvAll, " · ", v.csvSelection,
        el("span", { class: "muted" }, " (elke wijk, wens en groep met vraag, voor een spreadsheet)")),
      v.downloadError);

    // Sentences beside the map.
    v.sentencesContext = el("p", { class: "muted" });
    v.sentences = el("div", { id: "zinnen" });
    const sentences = el("section", { id: "tekorten", "aria-labelledby": "tekorten-titel" },
      el("h2", { id: "tekorten-titel" }, "Grootste tekorten"), v.sentencesContext, v.sentences);

    // The map, its legend and the same figures as a table.
    v.mapTitle = el("h2", { id: "kaart-titel" }, "Kaart van de wijken");
    v.mapCaption = el("p", { id: "kaart-uitleg", class: "muted" });
    v.map = el("div", { id: "kaart", class: "map", role: "region", "aria-labelledby": "kaart-titel",
                        "aria-describedby": "kaart-uitleg" });
    v.legend = el("div", { class: "legend" });
    v.mapTable = el("div", { class: "table-wrap" });
    const map = el("section", { id: "kaart-sectie", "aria-labelledby": "kaart-titel" },
      v.mapTitle, v.mapCaption, v.map,
      el("div", { class: "map-figures" }, v.legend, v.mapTable));

    // Coverage, from the catalog alone.
    v.coverage = el("div", {});
    v.coverageSection = el("section", { id: "bereik", "aria-labelledby": "bereik-titel", hidden: true },
      el("h2", { id: "bereik-titel" }, "Bereik: aandeel postcodes binnen loopafstand van open aanbod"),
      v.coverage);

    v.root = el("div", {}, indicator, filters,
      el("div", { class: "columns" }, sentences, map), v.coverageSection);
    return v;
  }

  // ---------------------------------------------------------------- the indicator

  function renderIndicator() {
    const { overall, per_wijk: perWijk, per_month: perMonth } = state.indicator;
    const share = overall.share;
    view.overall.replaceChildren(...[
      el("p", { class: "big" }, share === null ? NOT_SHOWN : pct(share),
        el("span", { class: "norm" }, ` (norm: ${pct(overall.norm)})`)),
      share === null ? null : el("div", { class: "bar", "aria-hidden": "true" },
        el("div", { class: "bar-fill", style: `width: ${Math.round(share * 100)}%` }),
        el("div", { class: "bar-norm", style: `left: ${Math.round(overall.norm * 100)}%` })),
      el("p", {}, `Van ${about(overall.intakes)} intakes in de hele gemeente hadden er ${about(overall.fitting_nearby)} ` +
        "een passende activiteit in de buurt. Oordeel: ", verdictNode(overall.verdict), "."),
    ].filter(Boolean));
    view.indicatorTable.replaceChildren(indicatorTable("per-wijk", "De 80/20-indicator per wijk", "Wijk", perWijk, (r) => r.wijk));
    view.months.replaceChildren(indicatorTable("per-maand", "De 80/20-indicator per maand", "Maand", perMonth, (r) => r.month));
  }

  function indicatorTable(id, caption, first, rows, key) {
    return el("table", { id: `indicator-${id}` },
      el("caption", {}, caption),
      el("thead", {}, el("tr", {}, [first, "Intakes", "Met passend aanbod dichtbij", "Aandeel", "Oordeel"]
        .map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.map((r) => el("tr", {},
        el("th", { scope: "row" }, key(r)),
        el("td", {}, count(r.intakes)),
        el("td", {}, count(r.fitting_nearby)),
        el("td", {}, r.share === null ? NOT_SHOWN : pct(r.share)),
        el("td", {}, verdictNode(r.verdict))))));
  }

  // ---------------------------------------------------------------- filters

  function fillWishes() {
    view.wish.replaceChildren(el("option", { value: "" }, "alle wensen"),
      ...state.wishes.map((w) => el("option", { value: w }, state.labels[w])));
  }

  async function groupsOf(dimension) {
    if (!state.groups[dimension]) {
      const rows = await SM.api(`/gaps?dimension=${enc(dimension)}&limit=5000`);
      const values = [...new Set(rows.items.map((r) => r.group))];
      values.sort((a, b) => dimension === "taal" && (a === "nl" || b === "nl") ? (a === "nl" ? -1 : 1)
        : byName(groupLabel(dimension, a), groupLabel(dimension, b)));
      state.groups[dimension] = values;
    }
    return state.groups[dimension];
  }

  async function changeDimension() {
    const dimension = view.dimension.value;
    view.filterError.replaceChildren();
    if (dimension === "alle") {
      view.group.replaceChildren();
      view.groupField.hidden = true;
      return update();
    }
    let values;
    try {
      values = await groupsOf(dimension);
    } catch (e) {
      fail(e, view.filterError);
      return;
    }
    if (view.dimension.value !== dimension) return;     // changed again meanwhile
    view.group.replaceChildren(el("option", { value: "" }, "elke groep"),
      ...values.map((v) => el("option", { value: v }, groupLabel(dimension, v))));
    view.groupField.hidden = false;
    return update();
  }

  function readFilter() {
    const dimension = view.dimension.value;
    return { wish: view.wish.value, dimension, group: dimension === "alle" ? "" : view.group.value,
             measure: view.measure.value };
  }

  function describe(f) {
    const who = f.dimension === "alle" ? "alle cliënten"
      : f.group ? groupLabel(f.dimension, f.group) : `elke groep ${DIMENSIONS.find(([d]) => d === f.dimension)[1]}`;
    return `${wishLabel(f.wish)}, ${who}`;
  }

  // ---------------------------------------------------------------- one update for the whole filter

  async function update() {
    const mine = ++state.generation;
    const f = readFilter();
    view.measureField.hidden = !f.wish;
    view.filterError.replaceChildren();
    const wish = f.wish ? `&wish=${enc(f.wish)}` : "";
    // The map shows one group: the chosen one, or all clients when "elke groep" is chosen.
    const mapDimension = f.group ? f.dimension : "alle";
    SM.busy(app, true, "De kaart en de tekorten worden bijgewerkt...");
    let gaps, mapRows = null, coverage = null;
    try {
      [gaps, mapRows, coverage] = await Promise.all([
        SM.api(`/gaps?only_gaps=true&dimension=${enc(f.dimension)}${wish}&limit=5000`),
        f.wish ? SM.api(`/gaps?dimension=${enc(mapDimension)}${wish}&limit=5000`) : null,
        f.wish && f.wish !== "overig" ? SM.api(`/coverage?category=${enc(f.wish)}`) : null,
      ]);
    } catch (e) {
      if (mine === state.generation) {
        SM.busy(app, false);
        fail(e, view.filterError);
      }
      return;
    }
    if (mine !== state.generation) return;       // a newer choice is on its way
    SM.busy(app, false);
    const rows = gaps.items.filter((r) => !f.group || r.group === f.group);
    renderSentences(f, rows);
    renderMap(f, mapRows && mapRows.items.filter((r) => r.group === (f.group || "alle")));
    renderCoverage(f, coverage);
    view.filterStatus.textContent = `Getoond: ${describe(f)}. ` +
      (rows.length ? `${rows.length} ${rows.length === 1 ? "tekort" : "tekorten"}.` : "Geen tekorten.");
  }

  function renderSentences(f, rows) {
    view.sentencesContext.textContent = `${describe(f)}; de grootste eerst. Een tekort: minstens ${state.minCount} ` +
      "cliënten vonden niets passends in de buurt.";
    if (!rows.length) {
      view.sentences.replaceChildren(el("p", { class: "none" },
        `Geen tekorten voor deze keuze: nergens vonden ${state.minCount} of meer cliënten niets passends in de buurt.`));
      return;
    }
    const list = el("ol", { class: "sentences" });
    const show = (n) => list.replaceChildren(...rows.slice(0, n).map((r) => el("li", { "data-wijk": r.wijk }, r.sentence)));
    show(SENTENCES_FIRST);
    const more = rows.length > SENTENCES_FIRST ? el("button", { type: "button", class: "secondary", onclick: () => {
      show(rows.length);
      more.remove();
      list.children[SENTENCES_FIRST].setAttribute("tabindex", "-1");
      list.children[SENTENCES_FIRST].focus();
    } }, `Toon alle ${rows.length}`) : null;
    view.sentences.replaceChildren(...[list, more].filter(Boolean));
  }

  // ---------------------------------------------------------------- the map

  function initMap() {
    if (typeof L === "undefined") {
      view.map.classList.add("missing");
      view.map.replaceChildren(el("p", { class: "error" },
        "De kaart kan niet worden getoond: de kaartbibliotheek ontbreekt op de server. De cijfers staan in de tabel."));
      return;
    }
    // No tile layer: nothing is fetched from outside; the wijken are drawn on a plain background.
    const map = L.map(view.map, { zoomControl: false, attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
    L.control.zoom({ zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen" }).addTo(map);
    const layer = L.geoJSON(state.geojson, {
      className: "wijk",
      style: { color: "#333333", weight: 1, opacity: 1, fillColor: HATCH, fillOpacity: 0.9 },
      onEachFeature: (feature, path) => {
        state.layers.set(feature.properties.wijk, path);
        path.bindTooltip(el("span", {}, feature.properties.wijk), { sticky: true });
      },
    });
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });   // first a view: only then are the areas drawn
    layer.addTo(map);
    for (const [name, path] of state.layers) {
      const node = path.getElement && path.getElement();
      if (node) node.setAttribute("data-wijk", name);
    }
    state.map = map;
  }

  // Per wijk: the value the map shows for this filter, and how it reads.
  function valuesFor(f, rows) {
    const out = new Map();
    const names = state.geojson.features.map((x) => x.properties.wijk);
    if (!f.wish) {
      const perWijk = new Map(state.indicator.per_wijk.map((r) => [r.wijk, r]));
      for (const name of names) {
        const r = perWijk.get(name);
        const share = r ? r.share : null;
        out.set(name, { value: share, text: share === null ? NOT_SHOWN : pct(share), verdict: r ? r.verdict : null });
      }
      return { scale: "indicator", values: out };
    }
    const byWijk = new Map(rows.map((r) => [r.wijk, r]));
    for (const name of names) {
      // No row: nobody in this group asked for it here, which is shown like any count under the threshold.
      const r = byWijk.get(name) || { demand: `< ${state.minCount}`, tailored: `< ${state.minCount}`, tailored_share: null };
      if (f.measure === "share") {
        out.set(name, { value: r.tailored_share, text: r.tailored_share === null ? NOT_SHOWN : pct(r.tailored_share) });
      } else {
        const v = f.measure === "tailored" ? r.tailored : r.demand;
        out.set(name, { value: typeof v === "number" ? v : null, text: typeof v === "number" ? `circa ${v}` : `${v} (kleine aantallen: niet getoond)` });
      }
    }
    return { scale: f.measure, values: out };
  }

  function renderMap(f, rows) {
    const { scale: scaleName, values } = valuesFor(f, rows || []);
    const scale = SCALES[scaleName];
    const classOf = (v) => v.value === null ? null : scale.classes.find((c) => c.test(v.value));
    const group = f.dimension === "alle" ? "alle cliënten" : f.group ? groupLabel(f.dimension, f.group) : "alle cliënten";
    view.mapTitle.textContent = `Kaart van de wijken: ${scale.title.charAt(0).toLowerCase()}${scale.title.slice(1)}`;
    view.mapCaption.textContent = f.wish
      ? `Wens: ${wishLabel(f.wish)}; groep: ${group}` +
        (f.dimension !== "alle" && !f.group ? " (kies een groep om die op de kaart te zien)" : "") +
        `. Gearceerd grijs: ${NOT_SHOWN}. De cijfers staan ook in de tabel.`
      : "Alle wensen en alle cliënten" + (f.dimension !== "alle" ? " (de indicator is er niet per groep)" : "") +
        `. Gearceerd grijs: ${NOT_SHOWN}. De cijfers staan ook in de tabel.`;

    // Colours on the map.
    for (const [name, path] of state.layers) {
      const v = values.get(name);
      const c = v && classOf(v);
      path.setStyle({ fillColor: c ? c.colour : HATCH });
      const node = path.getElement && path.getElement();
      if (node) node.setAttribute("data-waarde", v ? v.text : NOT_SHOWN);
      path.setTooltipContent(el("span", {}, el("strong", {}, name), el("br"), v ? v.text : NOT_SHOWN));
    }

    // The legend, with how many wijken fall in each class.
    const tally = new Map();
    for (const v of values.values()) {
      const c = classOf(v);
      tally.set(c, (tally.get(c) || 0) + 1);
    }
    const wijken = (n) => `${n} ${n === 1 ? "wijk" : "wijken"}`;
    view.legend.replaceChildren(
      el("h3", { id: "legenda-titel" }, "Legenda"),
      el("ul", { class: "legend-list", "aria-labelledby": "legenda-titel" },
        scale.classes.map((c) => el("li", {},
          el("span", { class: "swatch", style: `background: ${c.colour}`, "aria-hidden": "true" }),
          `${c.label} (${wijken(tally.get(c) || 0)})`)),
        el("li", {}, el("span", { class: "swatch hatch", "aria-hidden": "true" }),
          `${NOT_SHOWN} (${wijken(tally.get(null) || 0)})`)));

    // The same figures as a table: nothing is told by colour alone.
    const names = [...values.keys()].sort(byName);
    const withVerdict = scaleName === "indicator";
    view.mapTable.replaceChildren(el("table", { id: "kaart-tabel" },
      el("caption", {}, `${scale.title} per wijk`),
      el("thead", {}, el("tr", {}, ["Wijk", "Op de kaart", withVerdict ? "Oordeel" : null]
        .filter(Boolean).map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, names.map((name) => {
        const v = values.get(name);
        const c = classOf(v);
        return el("tr", { "data-wijk": name },
          el("th", { scope: "row" },
            el("span", { class: c ? "swatch" : "swatch hatch", style: c ? `background: ${c.colour}` : null, "aria-hidden": "true" }),
            name),
          el("td", {}, v.text),
          withVerdict ? el("td", {}, verdictNode(v.verdict)) : null);
      }))));
  }

  // ---------------------------------------------------------------- coverage

  function renderCoverage(f, coverage) {
    view.coverageSection.hidden = !f.wish;
    if (!f.wish) {
      view.coverage.replaceChildren();
      return;
    }
    if (!coverage) {
      view.coverage.replaceChildren(el("p", {}, "Voor \u201coverig\u201d is er geen bereik: het gevraagde valt buiten de categorieën van de sociale kaart."));
      return;
    }
    const rows = [...coverage.items].sort((a, b) => byName(a.wijk, b.wijk));
    view.coverage.replaceChildren(
      el("p", {}, `Uit de sociale kaart zelf (zonder intakes): per wijk het aandeel postcodes met open aanbod voor ` +
        `${wishLabel(f.wish)} binnen ${kmText(coverage.walking_km)}.`),
      el("div", { class: "table-wrap" }, el("table", { id: "bereik-tabel" },
        el("caption", {}, `Bereik van ${wishLabel(f.wish)} per wijk`),
        el("thead", {}, el("tr", {}, ["Wijk", "Postcodes", "Binnen loopafstand", "Aandeel"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows.map((r) => el("tr", {},
          el("th", { scope: "row" }, r.wijk),
          el("td", {}, String(r.postcodes)),
          el("td", {}, String(r.covered)),
          el("td", {}, el("span", { class: "share-bar", "aria-hidden": "true" },
            el("span", { style: `width: ${Math.round(r.share * 100)}%` })), pct(r.share))))))));
  }

  // ---------------------------------------------------------------- CSV download

  // The CSV needs the login token, so a plain link cannot fetch it: fetch it, then hand it over as a Blob.
  async function download(event, selection) {
    event.preventDefault();
    view.downloadError.replaceChildren();
    const f = readFilter();
    const query = selection ? `?dimension=${enc(f.dimension)}${f.wish ? `&wish=${enc(f.wish)}` : ""}` : "";
    const name = selection ? `gaps-${f.wish || "alle-wensen"}-${f.dimension}.csv` : "gaps.csv";
    SM.busy(view.downloadError, true, "Het CSV-bestand wordt opgehaald...");
    try {
      const response = await SM.api(`/gaps.csv${query}`, { raw: true });
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      SM.busy(view.downloadError, false);
      view.filterStatus.textContent = `Gedownload: ${name}.`;
    } catch (e) {
      SM.busy(view.downloadError, false);
      fail(e, view.downloadError);
    }
  }

  SM.loginPanel(account, ROLES, start);
})();
