// eventwire review app and report: one script for both.
// In the app, data comes from the JSON API; in the report file, from the JSON block embedded in the page.
// Everything from articles (text, titles, outlets, URLs, names) is untrusted: it only ever enters the page
// as text nodes (textContent), never as HTML, and links are made only from http(s) URLs.
(function () {
  "use strict";

  const embedded = document.getElementById("eventwire-data");
  const REPORT = embedded !== null;
  const main = document.getElementById("main");

  // ------------------------------------------------------------------ DOM helpers

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(el.dataset, v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function show(...nodes) {
    // the page's main part, without the parts a page leaves out (null)
    main.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
  }

  function safeUrl(url) {
    // only web links: javascript:, data: and anything else stay plain text
    try {
      const u = new URL(url);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(url, label) {
    const href = url ? safeUrl(url) : null;
    return href ? h("a", { href: href, rel: "noopener noreferrer nofollow", target: "_blank" }, label || url)
      : h("span", { class: "plain-url" }, url || "");
  }

  function fmt(v) {
    return v === null || v === undefined || v === "" ? "" : String(v);
  }

  function placeName(...parts) {
    // "Yerevan, Armenia"; a place that is its country ("India") is named once
    return parts.filter((x, i) => x && parts.indexOf(x) === i).join(", ");
  }

  function outletName(outlet) {
    return fmt(outlet) || "unknown outlet";
  }

  function range(low, best, high) {
    if (best === null || best === undefined) return "";
    if (low !== null && high !== null && (low !== best || high !== best)) return `${best} (${low}–${high})`;
    if (high === null && low !== null) return low === best ? `at least ${low}` : `${best} (at least ${low})`;
    return String(best);
  }

  function table(headers, rows, attrs) {
    return h("table", attrs || {},
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))),
      h("tbody", {}, rows));
  }

  // ------------------------------------------------------------------ data sources

  function query(params) {
    // the filters and paging as a query string (empty values left out)
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v === "" || v === null || v === undefined || v === false || (k === "min_sources" && !v)) continue;
      q.set(k, Array.isArray(v) ? v.join(",") : String(v));
    }
    return q.toString();
  }

  // accounts on and no session (or it ended): the login page, then back here
  function loginFirst() {
    location.href = "/login";
    return new Promise(() => {});
  }

  const api = {
    async get(path) {
      const r = await fetch(path, { headers: { Accept: "application/json" } });
      if (r.status === 401) return loginFirst();
      const body = await r.json();
      if (!r.ok) throw new Error(body.message || r.statusText);
      return body;
    },
    meta: () => api.get("/api/meta"),
    basemap: () => api.get("/static/basemap.json"),
    facets: () => api.get("/api/facets"),
    page: (f, sort, order, offset, limit) => api.get(`/api/events?${query(Object.assign({}, f, { sort, order, offset, limit, changed_since: visit.since }))}`),
    changes: (f, since) => api.get(`/api/changes?${query(Object.assign({}, f, { changed_since: since, limit: 0 }))}`),
    async visit() {
      const r = await fetch("/api/visit", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: "{}" });
      if (r.status === 401) return loginFirst();
      return r.json();
    },
    summary: (f) => api.get(`/api/summary?${query(f)}`),
    timeline: (f) => api.get(`/api/timeline?${query(f)}`),
    clusters: (f, zoom, bbox) => api.get(`/api/map?${query(Object.assign({}, f, { zoom, bbox }))}`),
    regions: (f, level) => api.get(`/api/regions?${query(Object.assign({}, f, { level }))}`),
    search: (q) => api.get(`/api/search?${query({ q })}`),
    event: (id) => api.get(`/api/events/${encodeURIComponent(id)}`),
    story: (id) => api.get(`/api/stories/${encodeURIComponent(id)}`),
    decisions: () => api.get("/api/decisions").then((d) => d.decisions),
    async decide(body) {
      const r = await fetch("/api/decisions", {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
      if (r.status === 401) return loginFirst();
      const out = await r.json();
      if (!r.ok) throw new Error(out.message || (out.detail && JSON.stringify(out.detail)) || r.statusText);
      return out;
    },
  };

  // the report answers the same questions from the data block in its page (local.js)
  const source = REPORT ? window.eventwireLocal(JSON.parse(embedded.textContent)) : api;

  // ------------------------------------------------------------------ what is new since the last visit

  // the time of the reviewer's visit before this one: kept per user by the app when accounts are on, else by this
  // browser; a visit lasts while pages are opened at most VISIT_GAP apart
  const visit = { since: null };
  const VISIT_GAP = 30 * 60 * 1000;

  async function noteVisit() {
    if (REPORT) return;
    const r = await api.visit().catch(() => ({ kept_by: "browser" }));
    if (r.kept_by === "user") { visit.since = r.since; return; }
    const key = `eventwire-visit:${location.host}`, now = Date.now();
    let v = {};
    try { v = JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { v = {}; }
    if (!v.latest) v = { previous: null, latest: now };
    else if (now - v.latest > VISIT_GAP) v = { previous: v.latest, latest: now };
    else v.latest = now;
    localStorage.setItem(key, JSON.stringify(v));
    visit.since = v.previous ? new Date(v.previous).toISOString().replace(/\.\d+Z$/, "Z") : null;
  }

  function sinceVisit(counts) {
    // how many of the listed events are new or changed since the last visit, and the feed of changes
    if (REPORT) return null;
    const feed = h("a", { href: `/feed.atom?${query(filters)}`, id: "feed-link", type: "application/atom+xml" }, "Atom feed of changes");
    if (!visit.since || !counts) return h("p", { class: "since-visit", id: "since-visit" }, "First visit from here. ", feed);
    return h("p", { class: "since-visit", id: "since-visit" },
      `Since your last visit (${visit.since.replace("T", " ").replace("Z", " UTC")}): `,
      h("b", { id: "new-count" }, `${counts.new} new`), ", ", h("b", { id: "changed-count" }, `${counts.changed} changed`),
      " events (marked below). ", feed);
  }

  // ------------------------------------------------------------------ filters (the same conditions as export)

  const filters = { since: "", until: "", country: "", event_type: "", disputed: false, min_sources: 0 };
  const view = { sort: "date", order: "desc", offset: 0, limit: 50, shade: "events" };

  function filterForm(facets, redraw) {
    const select = (name, values, label) => h("label", {}, label, " ",
      h("select", { name: name, onchange: (ev) => { filters[name] = ev.target.value; redraw(); } },
        h("option", { value: "" }, "any"),
        values.map((v) => h("option", { value: v.name, selected: filters[name] === v.name }, `${v.name} (${v.events})`))));
    const input = (name, type, label, extra) => h("label", {}, label, " ",
      h("input", Object.assign({
        name: name, type: type, value: type === "checkbox" ? null : filters[name],
        checked: type === "checkbox" ? filters[name] : null,
        onchange: (ev) => {
          const t = ev.target;
          filters[name] = type === "checkbox" ? t.checked : type === "number" ? Number(t.value || 0) : t.value;
          redraw();
        },
      }, extra || {})));
    const sortBy = h("label", {}, "sort by ", h("select", { name: "sort", onchange: (ev) => { view.sort = ev.target.value; redraw(); } },
      [["date", "date"], ["fatalities", "fatalities"], ["sources", "sources"], ["changed", "last change"]]
        .map(([v, l]) => h("option", { value: v, selected: view.sort === v }, l))),
    h("select", { name: "order", onchange: (ev) => { view.order = ev.target.value; redraw(); } },
      h("option", { value: "desc", selected: view.order === "desc" }, "newest / most first"),
      h("option", { value: "asc", selected: view.order === "asc" }, "oldest / fewest first")));
    return h("form", { class: "filters", id: "filters", onsubmit: (ev) => ev.preventDefault() },
      input("since", "date", "from"), input("until", "date", "to"),
      select("country", facets.countries, "country"),
      select("event_type", facets.event_types, "type"),
      input("disputed", "checkbox", "disputed only"),
      input("min_sources", "number", "min. sources", { min: 0, max: 99, size: 3 }), sortBy);
  }

  function searchForm(q) {
    const box = h("input", { type: "search", name: "q", id: "q", value: q || "", size: 40,
      placeholder: "search events and articles: places, actors, words" });
    return h("form", { class: "search", id: "search", role: "search", onsubmit: (ev) => {
      ev.preventDefault();
      if (box.value.trim()) location.hash = `#/search/${encodeURIComponent(box.value.trim())}`;
    } }, box, " ", h("button", { type: "submit" }, "Search"));
  }

  function timeSlider(facets, redraw) {
    // two handles over the store's dates: the window every view (list, figures, map, regions) shows
    if (!facets.first_date || facets.first_date === facets.last_date) return null;
    const day = (d) => Math.round(Date.parse(d + "T00:00:00Z") / 864e5);
    const iso = (n) => new Date(n * 864e5).toISOString().slice(0, 10);
    const lo = day(facets.first_date), hi = day(facets.last_date);
    const from = h("input", { type: "range", id: "slider-from", min: lo, max: hi, value: filters.since ? day(filters.since) : lo });
    const to = h("input", { type: "range", id: "slider-to", min: lo, max: hi, value: filters.until ? day(filters.until) : hi });
    const label = h("span", { id: "slider-label" });
    const say = () => { label.textContent = `${iso(Math.min(+from.value, +to.value))} – ${iso(Math.max(+from.value, +to.value))}`; };
    const set = () => {
      const a = Math.min(+from.value, +to.value), b = Math.max(+from.value, +to.value);
      filters.since = a > lo ? iso(a) : ""; filters.until = b < hi ? iso(b) : "";
      redraw();
    };
    from.addEventListener("input", say); to.addEventListener("input", say);
    from.addEventListener("change", set); to.addEventListener("change", set);
    say();
    return h("div", { class: "slider", id: "slider" }, h("b", {}, "time "), from, to, " ", label);
  }

  // ------------------------------------------------------------------ map and timeline

  let map = null;
  let basemap = null;
  const SHADES = ["#f3efe6", "#fde0c5", "#facba6", "#f8b58b", "#f59e72", "#f0855e", "#e76c4f", "#d45343", "#b83b3a"];

  function shade(value, top) {
    if (!value) return SHADES[0];
    const i = 1 + Math.floor((Math.log1p(value) / Math.log1p(top || 1)) * (SHADES.length - 2));
    return SHADES[Math.min(SHADES.length - 1, i)];
  }

  async function drawMap(el, meta) {
    if (map) { map.remove(); map = null; }
    if (typeof L === "undefined") {
      el.append(h("p", { class: "note" }, "Map library not loaded."));
      return;
    }
    map = L.map(el, { worldCopyJump: true, attributionControl: true, minZoom: 1, maxZoom: 14 });
    const here = map;
    if (meta.map_tiles) {
      L.tileLayer(meta.map_tiles, { maxZoom: 18, attribution: "© OpenStreetMap contributors" }).addTo(map);
    }
    // the shipped basemap: countries from Natural Earth (public domain), the choropleth's shapes
    basemap = basemap || await source.basemap().catch(() => null);
    if (map !== here) return;
    let countries = null;
    if (basemap) {
      countries = L.geoJSON(basemap, { interactive: true, style: () => ({ color: "#8a8a8a", weight: 0.7, fillColor: SHADES[0], fillOpacity: meta.map_tiles ? 0.25 : 1 }) }).addTo(map);
      map.attributionControl.addAttribution("Natural Earth");
    }
    const clusterLayer = L.layerGroup().addTo(map);
    const admin1Layer = L.layerGroup().addTo(map);
    const legend = h("div", { class: "legend", id: "legend" });
    const pick = h("select", { id: "map-shade", onchange: (ev) => { view.shade = ev.target.value; redrawShades(); } },
      [["events", "countries by events"], ["fatalities", "countries by fatalities"], ["admin1-events", "admin1 by events"],
        ["admin1-fatalities", "admin1 by fatalities"], ["none", "no shading"]]
        .map(([v, l]) => h("option", { value: v, selected: view.shade === v }, l)));
    el.after(h("div", { class: "map-controls" }, h("label", {}, "shade ", pick), legend));

    async function redrawShades() {
      admin1Layer.clearLayers();
      const byFat = view.shade.endsWith("fatalities");
      if (view.shade.startsWith("admin1")) {
        if (countries) countries.setStyle({ fillColor: SHADES[0] });
        const r = await source.regions(filters, "admin1");
        if (map !== here) return;
        const top = Math.max(1, ...r.regions.map((x) => (byFat ? x.fatalities : x.events)));
        for (const x of r.regions) {
          if (x.latitude === null) continue;
          const v = byFat ? x.fatalities : x.events;
          L.circleMarker([x.latitude, x.longitude], { radius: 6 + 14 * Math.sqrt(v / top), color: "#7a2e22", weight: 1,
            fillColor: shade(v, top), fillOpacity: 0.85, className: "admin1" })
            .bindTooltip(`${x.admin1}, ${x.country}: ${x.events} events, ${x.fatalities} fatalities`).addTo(admin1Layer);
        }
        legend.textContent = `admin1 units: ${r.regions.length}; darker and larger: more ${byFat ? "fatalities" : "events"} (max ${top})`;
        return;
      }
      const r = view.shade === "none" ? { regions: [] } : await source.regions(filters, "country");
      if (map !== here) return;
      const by = new Map(r.regions.map((x) => [x.iso3, x]));
      const top = Math.max(1, ...r.regions.map((x) => (byFat ? x.fatalities : x.events)));
      if (countries) {
        countries.eachLayer((layer) => {
          const x = by.get(layer.feature.properties.iso3);
          const v = x ? (byFat ? x.fatalities : x.events) : 0;
          layer.setStyle({ fillColor: shade(v, top) });
          layer.unbindTooltip();
          layer.bindTooltip(`${layer.feature.properties.name}: ${x ? x.events : 0} events, ${x ? x.fatalities : 0} fatalities`, { sticky: true });
          if (x) layer.getElement && layer.getElement() && layer.getElement().classList.add("shaded");
        });
      }
      legend.textContent = view.shade === "none" ? "" : `countries: darker = more ${byFat ? "fatalities" : "events"} (max ${top}, log scale)`;
    }

    async function redrawClusters() {
      const z = map.getZoom(), b = map.getBounds();
      const bbox = b.getEast() - b.getWest() >= 360 ? null
        : [b.getWest(), Math.max(-85, b.getSouth()), b.getEast(), Math.min(85, b.getNorth())].map((v) => v.toFixed(4));
      const r = await source.clusters(filters, z, bbox ? bbox.map(Number) : null);
      if (map !== here || map.getZoom() !== z) return;
      clusterLayer.clearLayers();
      for (const c of r.cells) {
        const one = c.count === 1;
        const size = one ? 12 : Math.round(20 + 6 * Math.log10(c.count));
        const icon = L.divIcon({
          className: `cluster${one ? " single" : ""}${c.disputed ? " has-disputed" : ""}`, iconSize: [size, size],
          html: h("span", {}, one ? "" : c.count >= 10000 ? `${Math.round(c.count / 1000)}k` : String(c.count)),
        });
        const m = L.marker([c.latitude, c.longitude], { icon: icon, keyboard: false,
          title: one ? `${fmt(c.top.date)} ${c.top.type} — ${fmt(c.top.place)}` : `${c.count} events, ${c.fatalities} fatalities` });
        m.on("click", () => {
          if (one) location.hash = `#/event/${encodeURIComponent(c.top.id)}`;
          else if (c.bounds[0][0] === c.bounds[1][0] && c.bounds[0][1] === c.bounds[1][1]) map.setView([c.latitude, c.longitude], Math.min(14, z + 3));
          else map.fitBounds(c.bounds, { padding: [20, 20], maxZoom: 14 });
        });
        m.addTo(clusterLayer);
      }
      count.textContent = `${r.events.toLocaleString("en")} events on the map in ${r.cells.length} ${r.cells.length === 1 ? "cluster" : "clusters"} (zoom ${z})`;
      el.dataset.clusters = String(r.cells.length);
    }

    const count = h("div", { class: "coords", id: "map-count" });
    const where = h("div", { class: "coords", id: "pointer" }, "");
    map.on("mousemove", (ev) => {
      const lat = ev.latlng.lat, lon = ev.latlng.lng;
      where.textContent = `${Math.abs(lat).toFixed(2)}°${lat >= 0 ? "N" : "S"} ${Math.abs(lon).toFixed(2)}°${lon >= 0 ? "E" : "W"}`;
    });
    el.after(count, where);
    // start on the events: the extent of the clusters at the widest zoom
    const world = await source.clusters(filters, 1, null);
    if (map !== here) return;
    if (world.cells.length) {
      const lats = world.cells.flatMap((c) => [c.bounds[0][0], c.bounds[1][0]]), lons = world.cells.flatMap((c) => [c.bounds[0][1], c.bounds[1][1]]);
      map.fitBounds(L.latLngBounds([Math.min(...lats), Math.min(...lons)], [Math.max(...lats), Math.max(...lons)]).pad(0.3), { maxZoom: 7 });
    } else map.setView([20, 0], 2);
    map.on("moveend", () => { redrawClusters().catch(() => null); });
    await Promise.all([redrawClusters(), redrawShades()]);
  }

  const SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") el.textContent = v; else el.setAttribute(k, String(v));
    }
    children.flat().forEach((c) => c && el.append(c));
    return el;
  }

  function timeline(t) {
    // one mark per day (week, month) at its events' best fatality figure; a band from low to high where
    // sources give a range, red where they disagree; a bar under it for the number of events
    const W = 900, H = 200, P = 34;
    const box = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "timeline", role: "img",
      "aria-label": `Timeline of events and fatalities per ${t.unit}` });
    const bs = t.buckets;
    if (!bs.length) { box.append(svg("text", { x: P, y: H / 2, text: "no dated events" })); return box; }
    const day = (d) => Date.parse(d + "T00:00:00Z") / 864e5;
    const d0 = day(bs[0].date), d1 = day(bs[bs.length - 1].date);
    const top = Math.max(1, ...bs.map((b) => b.high ?? b.best ?? 0));
    const most = Math.max(1, ...bs.map((b) => b.events));
    const x = (d) => P + (d1 === d0 ? (W - 2 * P) / 2 : ((day(d) - d0) / (d1 - d0)) * (W - 2 * P));
    const y = (v) => H - P - (Math.sqrt(v) / Math.sqrt(top)) * (H - 2 * P);
    const w = Math.max(2, Math.min(12, (W - 2 * P) / bs.length - 1));
    box.append(svg("line", { x1: P, y1: H - P, x2: W - P, y2: H - P, class: "axis" }));
    box.append(svg("text", { x: P, y: H - 8, text: bs[0].date }));
    box.append(svg("text", { x: W - P, y: H - 8, "text-anchor": "end", text: bs[bs.length - 1].date }));
    box.append(svg("text", { x: 4, y: P - 14, text: `fatalities per ${t.unit} (max ${top}, square-root scale); grey bars: events (max ${most})` }));
    for (const b of bs) {
      const cx = x(b.date);
      const g = svg("a", { href: b.top_event ? `#/event/${encodeURIComponent(b.top_event)}` : "#/", class: "mark" });
      g.append(svg("rect", { x: cx - w / 2, y: H - P - (b.events / most) * 24, width: w, height: Math.max(1, (b.events / most) * 24), class: "count" }));
      if (b.high !== b.low) {
        g.append(svg("rect", { x: cx - w / 2, y: y(b.high), width: w, height: Math.max(1, y(b.low) - y(b.high)),
          class: b.disputed ? "band disputed" : "band" }));
      }
      g.append(svg("circle", { cx: cx, cy: y(b.fatalities || 0), r: Math.min(4, w / 2 + 1), class: b.disputed ? "dot disputed" : "dot" },
        svg("title", { text: `${b.date}: ${b.events} events, fatalities ${range(b.low, b.fatalities, b.high) || "none reported"}${b.disputed ? `, ${b.disputed} disputed` : ""}` })));
      box.append(g);
    }
    return box;
  }

  // ------------------------------------------------------------------ pages

  function eventLink(e, label) {
    return h("a", { href: `#/event/${encodeURIComponent(e)}` }, label || e);
  }

  function summaryFigures(s) {
    const item = (label, value) => h("div", { class: "figure" }, h("b", {}, String(value)), h("span", {}, label));
    return h("div", { class: "summary", id: "summary" },
      item("events", s.events.toLocaleString("en")),
      item("fatalities (ACLED's count)", s.fatalities.toLocaleString("en")),
      item("fatalities (low–high; best estimate)", `${s.fatalities_low.toLocaleString("en")}–${s.fatalities_high.toLocaleString("en")}; ${s.fatalities_best.toLocaleString("en")}`),
      item("disputed", s.disputed), item("reviewed", s.reviewed), item("countries", s.countries));
  }

  function pager(total, redraw) {
    const last = Math.max(0, Math.ceil(total / view.limit) - 1), at = Math.floor(view.offset / view.limit);
    const go = (p) => { view.offset = Math.max(0, Math.min(last, p)) * view.limit; redraw(false); };
    const jump = h("input", { type: "number", id: "page-number", min: 1, max: last + 1, value: at + 1, size: 5,
      onchange: (ev) => go(Number(ev.target.value || 1) - 1) });
    return h("div", { class: "pager", id: "pager" },
      h("button", { type: "button", id: "first-page", disabled: at === 0, onclick: () => go(0) }, "« first"),
      h("button", { type: "button", id: "prev-page", disabled: at === 0, onclick: () => go(at - 1) }, "‹ previous"),
      h("label", {}, " page ", jump, ` of ${(last + 1).toLocaleString("en")} `),
      h("button", { type: "button", id: "next-page", disabled: at >= last, onclick: () => go(at + 1) }, "next ›"),
      h("button", { type: "button", id: "last-page", disabled: at >= last, onclick: () => go(last) }, "last »"));
  }

  function eventTable(events) {
    // disputed and reviewed share one column, there only when an event shown has either; the same for the
    // mark of what is new or changed since the reviewer's last visit
    const flagged = events.some((e) => e.disputed || e.reviewed);
    const marked = events.some((e) => e.change);
    return table(["date", "type", "sub-event type", "place", "actor 1", "actor 2", "fatalities", "sources"]
      .concat(flagged ? ["flags"] : []).concat(marked ? ["since your last visit"] : []),
      events.map((e) => h("tr", { dataset: { id: e.event_id_cnty, change: e.change || "" } },
        h("td", {}, eventLink(e.event_id_cnty, fmt(e.event_date) || "undated")),
        h("td", {}, e.event_type), h("td", {}, e.sub_event_type),
        h("td", {}, placeName(e.location, e.country)),
        h("td", {}, fmt(e.actor1)), h("td", {}, fmt(e.actor2)),
        // one rule in every view: ACLED's figure, then the range that holds it
        h("td", {}, e.fatalities_best == null ? "" : range(e.fatalities_low, e.fatalities, e.fatalities_high)),
        h("td", {}, String(e.independent_sources)),
        flagged ? h("td", {}, e.disputed ? h("span", { class: "badge disputed" }, "disputed") : null,
          e.reviewed ? h("span", { class: "badge reviewed" }, "reviewed") : null) : null,
        marked ? h("td", {}, e.change ? h("span", { class: `badge ${e.change}`, title: "since your last visit" },
          e.change) : null) : null)),
      { class: "events", id: "events" });
  }

  async function listPage() {
    const [meta, facets] = await Promise.all([source.meta(), source.facets()]);
    const figures = h("div", { id: "figures" });
    const news = h("div", { id: "news" });
    const views = h("div", { class: "views" });
    const rows = h("div", { id: "results" });
    let drawn = 0;
    async function drawRows() {
      const p = await source.page(filters, view.sort, view.order, view.offset, view.limit);
      const from = p.total ? p.offset + 1 : 0, to = p.offset + p.events.length;
      rows.replaceChildren(pager(p.total, redraw), eventTable(p.events),
        h("p", { class: "count", id: "count" }, `${from.toLocaleString("en")}–${to.toLocaleString("en")} of ${p.total.toLocaleString("en")} events`));
    }
    async function redraw(everything = true) {
      const mine = ++drawn;
      if (!everything) { await drawRows(); document.body.dataset.page = String(mine); return; }
      view.offset = 0;
      const [s, t, c] = await Promise.all([source.summary(filters), source.timeline(filters),
        !REPORT && visit.since ? api.changes(filters, visit.since) : null, drawRows()]);
      if (mine !== drawn) return;
      figures.replaceChildren(summaryFigures(s));
      news.replaceChildren(sinceVisit(c) || "");
      const mapEl = h("div", { id: "map", class: "map" });
      views.replaceChildren(h("div", { class: "map-box" }, mapEl), h("div", { class: "timeline-box" }, timeline(t)));
      await drawMap(mapEl, meta);
      document.body.dataset.page = String(mine);
    }
    show(h("h1", {}, meta.title || "Events"), meta.note ? h("p", { class: "note", id: "report-note" }, meta.note) : null,
      searchForm(""), filterForm(facets, redraw), timeSlider(facets, redraw),
      news, figures, views, rows);
    await redraw();
  }

  async function searchPage(q) {
    const r = await source.search(q);
    const focus = (eid, aid, ev) => `#/event/${encodeURIComponent(eid)}/${encodeURIComponent(aid)}/${ev.start}-${ev.end}`;
    show(
      h("p", {}, h("a", { href: "#/" }, "← all events")),
      h("h1", {}, `Search: ${q}`), searchForm(q),
      h("p", { class: "note", id: "search-terms" }, r.terms.length ? `terms: ${r.terms.join(", ")}` : "no words to search for"),
      h("h2", {}, `Events (${r.events_total} with every term)`),
      table(["date", "sub-event type", "place", "actors", "fatalities", "note", "evidence"], r.events.map((e) => h("tr", { class: "search-event" },
        h("td", {}, eventLink(e.id, fmt(e.event_date) || "undated")), h("td", {}, e.sub_event_type),
        h("td", {}, [...new Set([e.location, e.acled_country].filter(Boolean))].join(", ")),
        h("td", {}, [e.actor1, e.actor2].filter(Boolean).join(" / ")),
        h("td", {}, range(e.fatalities_low, e.fatalities, e.fatalities_high)), h("td", {}, fmt(e.notes)),
        h("td", {}, (e.evidence || []).slice(0, 1).map((ev) => h("a", { href: focus(e.id, ev.article_id, ev), class: "evidence-link" }, ev.text))))),
      { id: "search-events" }),
      h("h2", {}, `Articles (${r.articles_total} with every term)`),
      h("div", { id: "search-articles" }, r.articles.map((a) => h("section", { class: "search-article", dataset: { article: a.article_id } },
        h("h3", {}, fmt(a.title) || a.article_id), h("p", { class: "meta" }, [a.outlet, a.published].filter(Boolean).join(", "), " ", link(a.url)),
        a.match ? h("blockquote", { class: "match" }, a.match.text) : null,
        a.events.length ? h("ul", {}, a.events.map((e) => h("li", {},
          h("a", { href: e.evidence ? focus(e.event_id, a.article_id, e.evidence) : `#/event/${encodeURIComponent(e.event_id)}` },
            `${fmt(e.event_date)} ${fmt(e.sub_event_type)} — ${[e.location, e.country].filter(Boolean).join(", ")}`),
          a.match ? [" · ", h("a", { href: focus(e.event_id, a.article_id, a.match), class: "match-link" }, "the matching sentence")] : null,
          e.evidence ? h("div", { class: "evidence" }, "evidence: ", e.evidence.text) : null)))
          : h("p", { class: "note" }, "no event cites this article")))));
  }

  function highlighted(text, spans) {
    // text split at every span boundary; each piece is a text node, inside <mark>s where spans cover it
    const cuts = new Set([0, text.length]);
    for (const s of spans) { cuts.add(Math.max(0, s.start)); cuts.add(Math.min(text.length, s.end)); }
    const points = [...cuts].sort((a, b) => a - b);
    const out = h("div", { class: "article-text" });
    for (let i = 0; i < points.length - 1; i++) {
      const a = points[i], b = points[i + 1];
      const piece = text.slice(a, b);
      const on = spans.filter((s) => s.start <= a && s.end >= b);
      if (!on.length) { out.append(document.createTextNode(piece)); continue; }
      const claim = on.find((s) => s.kind === "claim");
      out.append(h("mark", {
        class: on.map((s) => s.kind).filter((k, j, all) => all.indexOf(k) === j).join(" "),
        dataset: claim ? { claim: claim.id } : {},
      }, piece));
    }
    return out;
  }

  function reviewPanel(d, meta, reload) {
    // a reader may look, not decide; with accounts the reviewer is the logged-in user, not a typed name
    if (REPORT || (meta.user && meta.user.role === "reader")) return null;
    const msg = h("p", { class: "message", id: "review-message", role: "status" });
    const who = meta.user
      ? h("input", { name: "reviewer", id: "reviewer", readonly: true, value: meta.user.name })
      : h("input", { name: "reviewer", id: "reviewer", required: true, placeholder: "your name",
        value: localStorage.getItem("eventwire-reviewer") || "" });
    const why = h("input", { name: "reason", id: "reason", placeholder: "why (kept in the log)", size: 40 });
    async function send(body) {
      if (!meta.user) localStorage.setItem("eventwire-reviewer", who.value);
      try {
        const out = await api.decide(Object.assign({ reviewer: who.value, reason: why.value, event_id: d.event_id_cnty }, body));
        const saved = `Saved: ${out.decision.action} (${out.decision.id}).`;
        const next = out.event_ids && out.event_ids.length === 1 ? out.event_ids[0] : d.event_id_cnty;
        if (next !== d.event_id_cnty) location.hash = `#/event/${encodeURIComponent(next)}`; else await reload(saved);
      } catch (err) {
        msg.textContent = `Not saved: ${err.message}`;
        msg.className = "message error";
      }
    }
    const field = h("select", { name: "field", id: "edit-field" },
      meta.editable_fields.map((f) => h("option", { value: f }, f)));
    const value = h("input", { name: "value", id: "edit-value", placeholder: "new value" });
    field.addEventListener("change", () => { value.value = fmt(d[field.value] ?? (d.place || {})[field.value]); });
    const other = h("input", { name: "other_event_id", id: "merge-with", placeholder: "other event id" });
    const parseValue = () => {
      const v = value.value.trim();
      if (v === "") return null;
      return meta.integer_fields.includes(field.value) && /^-?\d+$/.test(v) ? Number(v) : v;
    };
    return h("section", { class: "review", id: "review" },
      h("h2", {}, "Review"),
      h("div", { class: "row" }, h("label", {}, "reviewer ", who), h("label", {}, "reason ", why)),
      h("div", { class: "row" },
        h("button", { type: "button", id: "confirm", onclick: () => send({ action: "confirm" }) }, "Confirm event")),
      h("div", { class: "row" }, h("label", {}, "edit ", field), value,
        h("button", { type: "button", id: "edit", onclick: () => send({ action: "edit", field: field.value, value: parseValue() }) }, "Save edit")),
      h("div", { class: "row" }, other,
        h("button", { type: "button", id: "merge", onclick: () => send({ action: "merge", other_event_id: other.value.trim() }) }, "Merge with this event")),
      h("div", { class: "row" },
        h("button", { type: "button", id: "split", onclick: () => send({
          action: "split",
          mention_ids: [...document.querySelectorAll("input.split-mention:checked")].map((c) => c.value),
        }) }, "Split the ticked mentions off")),
      msg);
  }

  function decisionLog(decisions) {
    if (!decisions.length) return h("p", { class: "note" }, "No reviewer's decision yet.");
    return table(["when", "who", "action", "what", "why"], decisions.map((x) => h("tr", {},
      h("td", {}, x.made_at), h("td", {}, x.reviewer), h("td", {}, x.action),
      h("td", {}, x.action === "edit" ? `${x.field} → ${x.value}` : [x.event_id, ...(x.article_ids || [])].filter(Boolean).join(" ")),
      h("td", {}, x.reason || ""))), { class: "decisions" });
  }

  function figureTable(figures, id) {
    // low / best / high of each figure, and whether the sources agree on it
    return table(["figure", "low", "best", "high", "ACLED", "sources agree?"], figures.map((f) => h("tr", { class: f.disputed ? "disputed" : "" },
      h("td", {}, f.field), h("td", {}, fmt(f.low)), h("td", {}, fmt(f.best)), h("td", {}, fmt(f.high)),
      h("td", {}, fmt(f.acled)), h("td", {}, f.disputed ? "no: disputed" : "yes"))), id ? { id: id } : {});
  }

  function historyTable(changes, id) {
    // every change of the event (and of those merged into it), newest first; those since the last visit marked
    return table(["time (UTC)", "change", "cause", "run"], changes.slice().reverse().map((c) => h("tr", {
      class: visit.since && c.at >= visit.since ? "change since-visit" : "change", dataset: { kind: c.kind, seq: String(c.seq) } },
      h("td", {}, c.at.replace("T", " ").replace("Z", "")),
      h("td", {}, c.event_id !== id ? `${c.event_id}: ${c.text}` : c.text),
      h("td", {}, fmt(c.cause)), h("td", {}, fmt(c.run_id)))), { class: "history", id: "history" });
  }

  async function eventPage(id, notice, focus) {
    const [meta, d] = await Promise.all([source.meta(), source.event(id)]);
    const reload = (text) => eventPage(id, text);
    const p = d.place || {};
    const claimRows = d.claims.map((c) => h("tr", {
      dataset: { claim: c.id }, class: "claim-row",
      onclick: () => {
        const m = document.querySelector(`mark[data-claim="${CSS.escape(c.id)}"]`);
        if (m) { m.scrollIntoView({ block: "center" }); m.classList.add("flash"); }
      },
    },
      h("td", {}, c.field), h("td", {}, c.text), h("td", {}, range(c.value_low, c.value_best, c.value_high)),
      h("td", {}, fmt(c.speaker)), h("td", {}, fmt(c.speaker_role)), h("td", {}, fmt(c.hedge)),
      h("td", {}, outletName(c.outlet)), h("td", {}, (c.flags || []).join(", ")),
      h("td", {}, c.independent === undefined ? "" : c.independent ? "yes" : "no")));
    const sources = d.sources.map((s) => {
      // the sentence a search result points to, when it is in this article
      const found = focus && focus.article === s.article_id ? [{ start: focus.start, end: focus.end, kind: "found" }] : [];
      const spans = found.concat(s.evidence.map((e) => ({ start: e.start, end: e.end, kind: "evidence" })))
        .concat(d.claims.filter((c) => c.article_id === s.article_id)
          .flatMap((c) => {
            // the claim's sentence is evidence; its words (the phrase giving the figure) are the claim
            const at = c.text ? c.evidence.text.indexOf(c.text) : -1;
            const start = at >= 0 ? c.evidence.start + at : c.evidence.start;
            const end = at >= 0 ? start + c.text.length : c.evidence.end;
            return [{ start: c.evidence.start, end: c.evidence.end, kind: "evidence" },
              { start: start, end: end, kind: "claim", id: c.id }];
          }));
      return h("article", { class: "source", dataset: { article: s.article_id } },
        h("h3", {}, outletName(s.outlet)),
        h("p", { class: "title" }, fmt(s.title)),
        h("p", { class: "meta" }, fmt(s.published), " ", link(s.url)),
        REPORT ? null : h("p", { class: "source-actions" },
          s.mention_ids.map((m) => h("label", {}, h("input", { type: "checkbox", class: "split-mention", value: m }), ` ${m} `)),
          h("button", { type: "button", class: "irrelevant", onclick: async () => {
            const who = document.getElementById("reviewer"), why = document.getElementById("reason");
            const msg = document.getElementById("review-message");
            try {
              const out = await api.decide({ action: "irrelevant", reviewer: who.value, reason: why.value,
                event_id: d.event_id_cnty, article_id: s.article_id });
              reload(`Saved: irrelevant (${out.decision.id}).`);
            } catch (err) { msg.textContent = `Not saved: ${err.message}`; msg.className = "message error"; }
          } }, "Mark article irrelevant")),
        highlighted(s.text || "", spans));
    });
    show(
      h("p", {}, h("a", { href: "#/" }, "← all events")),
      h("h1", { id: "event-title" }, `${d.sub_event_type} — ${placeName(p.name, p.admin1, d.country)}`),
      notice ? h("p", { class: "message ok", id: "notice" }, notice) : null,
      h("div", { class: "badges" },
        d.disputed ? h("span", { class: "badge disputed", id: "disputed" }, "disputed") : null,
        d.reviewed ? h("span", { class: "badge reviewed", id: "reviewed" }, "reviewed") : null,
        h("span", { class: "badge" }, d.status)),
      d.dispute_note ? h("p", { class: "dispute-note", id: "dispute-note" }, d.dispute_note) : null,
      table(["field", "value"], [
        ["id", d.event_id_cnty], ["date", `${fmt(d.event_date)}${d.date_end ? " – " + d.date_end : ""} (precision ${d.time_precision})`],
        ["event type", d.event_type], ["sub-event type", d.sub_event_type],
        ["actor 1", fmt(d.actor1)], ["actor 2", fmt(d.actor2)], ["interaction", fmt(d.interaction)],
        ["place", placeName(p.name, p.admin1, d.country)],
        ["coordinates", p.latitude === undefined || p.latitude === null ? "" : `${p.latitude}, ${p.longitude} (precision ${p.geo_precision})`],
        // one rule in every view: ACLED's figure, then the range that holds it; the best estimate apart
        ["fatalities (ACLED, low–high)", d.fatalities_best == null ? "none reported" : range(d.fatalities_low, d.fatalities, d.fatalities_high)],
        ["fatalities (best estimate)", fmt(d.fatalities_best)],
        ["independent sources", fmt(d.independent_sources)],
        ["story", d.story_id ? h("a", { href: `#/story/${encodeURIComponent(d.story_id)}` }, d.story_id) : ""],
        ["episode", fmt(d.episode_id)], ["notes", d.notes],
      ].map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", { dataset: { field: k } }, v))), { class: "fields", id: "fields" }),
      h("h2", {}, "Figures"),
      figureTable(d.figures),
      (d.episode_figures || []).length ? h("h2", {}, `Figures of the episode ${fmt(d.episode_id)} (the whole occurrence)`) : null,
      (d.episode_figures || []).length ? figureTable(d.episode_figures, "episode-figures") : null,
      (d.field_support || []).length ? h("h2", {}, "How the fields were decided over the reports") : null,
      (d.field_support || []).length ? table(["field", "value", "supported by", "against"], d.field_support.map((f) => h("tr", { dataset: { field: f.field } },
        h("td", {}, f.field), h("td", {}, f.value), h("td", {}, `${f.support.join(", ")} (${f.weight})`),
        h("td", {}, f.disagree.length ? `${f.disagree.join("; ")} (${f.against})` : ""))), { class: "field-support", id: "field-support" }) : null,
      h("h2", {}, "Claims"),
      table(["figure", "words", "value", "speaker", "role", "hedge", "outlet", "flags", "independent"], claimRows, { class: "claims", id: "claims" }),
      reviewPanel(d, meta, reload),
      h("h2", {}, "Decisions"), decisionLog(d.decisions),
      (d.history || []).length ? h("h2", {}, "History") : null,
      (d.history || []).length ? historyTable(d.history, d.event_id_cnty) : null,
      h("h2", {}, `Sources (${d.sources.length})`),
      h("div", { class: "sources", id: "sources" }, sources));
    const found = document.querySelector("mark.found");
    if (found) found.scrollIntoView({ block: "center" });
  }

  async function storyPage(id) {
    const s = await source.story(id);
    show(
      h("p", {}, h("a", { href: "#/" }, "← all events")),
      h("h1", {}, `Story: ${fmt(s.title) || s.id}`),
      h("h2", {}, "Articles: originals, copies and rewrites"),
      table(["published", "outlet", "title", "relation", "of", "evidence", "link"], (s.articles || []).map((a) => h("tr", {
        class: "story-article", dataset: { article: a.id, relation: a.relation || "" } },
        h("td", {}, fmt(a.published)), h("td", {}, outletName(a.outlet)), h("td", {}, fmt(a.title)),
        h("td", {}, fmt(a.relation)), h("td", {}, fmt(a.derivative_of)),
        h("td", {}, (a.evidence || []).join("; ")), h("td", {}, link(a.url))))),
      h("h2", {}, "Events"),
      h("ul", {}, (s.event_ids || []).map((e) => h("li", {}, eventLink(e)))));
  }

  function disputes(details) {
    // one entry per dispute: an event's own disputed figures, or its episode's (a toll of "the
    // fighting"), which every event of the episode carries: listed once, with the episode's events
    const out = new Map();
    for (const d of details) {
      const own = d.figures.filter((f) => f.disputed && f.field !== "other");
      if (own.length) {
        out.set(d.event_id_cnty, { id: d.event_id_cnty, events: [d], figures: own,
          claims: d.claims.filter((c) => c.level !== "episode" && own.some((f) => f.field === c.field)) });
      }
      const shared = (d.episode_figures || []).filter((f) => f.disputed && f.field !== "other");
      if (shared.length && d.episode_id) {
        const known = out.get(d.episode_id);
        if (known) { known.events.push(d); continue; }
        out.set(d.episode_id, { id: d.episode_id, episode: true, events: [d], figures: shared,
          claims: d.claims.filter((c) => c.level === "episode" && shared.some((f) => f.field === c.field)) });
      }
    }
    return [...out.values()];
  }

  function eventLabel(d) {
    return `${fmt(d.event_date)} ${d.sub_event_type} — ${placeName((d.place || {}).name, d.country)}`;
  }

  async function disputesPage() {
    // the disputed events with the largest tolls first, a page of them; one entry per dispute
    const page = await source.page({ disputed: true }, "fatalities", "desc", 0, 25);
    const details = await Promise.all(page.events.map((e) => source.event(e.event_id_cnty).catch(() => null)))
      .then((ds) => ds.filter(Boolean));
    const found = disputes(details);
    show(
      h("h1", {}, "Disputes"),
      h("p", {}, `${found.length} dispute${found.length === 1 ? "" : "s"}: figures whose sources disagree` +
        (page.total > details.length ? ` (among the ${details.length} of ${page.total} disputed events with the largest tolls).` : ".")),
      found.map((x) => h("section", { class: "dispute", dataset: { dispute: x.id } },
        x.episode
          ? h("h2", {}, `Episode ${x.id}: ${x.events.length} events reported as one occurrence`)
          : h("h2", {}, eventLink(x.events[0].event_id_cnty, eventLabel(x.events[0]))),
        x.episode ? h("ul", {}, x.events.map((d) => h("li", {}, eventLink(d.event_id_cnty, eventLabel(d))))) : null,
        // the reconciled figure first (one rule in every view: ACLED's figure, then the range that holds it)
        x.figures.map((f) => h("p", { class: "dispute-note", dataset: { field: f.field } },
          `${f.field}: ${range(f.low, f.acled ?? f.best, f.high)}${f.acled == null ? "" : " as ACLED codes it"}; ${fmt(f.note)}`)),
        table(["figure", "source", "speaker", "hedge", "value", "words"],
          x.claims.map((c) => h("tr", { class: "dispute-claim" },
            h("td", {}, c.field), h("td", {}, outletName(c.outlet)), h("td", {}, fmt(c.speaker)), h("td", {}, fmt(c.hedge)),
            h("td", {}, range(c.value_low, c.value_best, c.value_high)), h("td", {}, c.text)))))));
  }

  async function decisionsPage() {
    show(h("h1", {}, "Decision log"), decisionLog(await source.decisions()));
  }

  async function route() {
    const [, page, id, ...rest] = location.hash.replace(/^#/, "").split("/").map(decodeURIComponent);
    try {
      if (page === "event" && id) {
        const [article, at] = rest, [start, end] = (at || "").split("-").map(Number);
        await eventPage(id, null, article && end > start ? { article: article, start: start, end: end } : null);
      } else if (page === "search") await searchPage([id, ...rest].join("/"));
      else if (page === "story" && id) await storyPage(id);
      else if (page === "disputes") await disputesPage();
      else if (page === "decisions") await decisionsPage();
      else await listPage();
      document.body.dataset.ready = location.hash || "#/";
    } catch (err) {
      show(h("p", { class: "message error" }, String(err.message || err)));
      document.body.dataset.ready = "error";
    }
  }

  async function account() {
    // with accounts on: who is logged in, and a way out
    if (REPORT) return;
    const meta = await api.meta();
    if (!meta.user) return;
    const out = h("button", { type: "button", id: "logout", onclick: async () => {
      await fetch("/api/logout", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      location.href = "/login";
    } }, "Log out");
    document.querySelector("header").append(
      h("span", { id: "account" }, ` ${meta.user.name} (${meta.user.role}) `, out));
  }

  window.addEventListener("hashchange", route);
  account().then(noteVisit).then(route, route);
})();
