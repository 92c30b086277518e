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

  function range(low, best, high) {
    if (best === null || best === undefined) return "";
    if (low !== null && high !== null && (low !== best || high !== best)) return `${best} (${low}–${high})`;
    if (high === null && low !== null) return `${best} (at least ${low})`;
    return String(best);
  }

  function table(headers, rows, attrs) {
    return h("table", attrs || {},
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))),
      h("tbody", {}, rows));
  }

  // ------------------------------------------------------------------ data sources

  const api = {
    async get(path) {
      const r = await fetch(path, { headers: { Accept: "application/json" } });
      const body = await r.json();
      if (!r.ok) throw new Error(body.message || r.statusText);
      return body;
    },
    meta: () => api.get("/api/meta"),
    events: () => api.get("/api/events").then((d) => d.events),
    event: (id) => api.get(`/api/events/${encodeURIComponent(id)}`),
    story: (id) => api.get(`/api/stories/${encodeURIComponent(id)}`),
    decisions: () => api.get("/api/decisions").then((d) => d.decisions),
    async decide(body) {
      const r = await fetch("/api/decisions", {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
      const out = await r.json();
      if (!r.ok) throw new Error(out.message || (out.detail && JSON.stringify(out.detail)) || r.statusText);
      return out;
    },
  };

  function reportSource(data) {
    const withText = (d) => Object.assign({}, d, {
      sources: d.sources.map((s) => Object.assign({ text: (data.articles[s.article_id] || {}).text || "" }, s)),
    });
    const missing = (what, id) => Promise.reject(new Error(`No ${what} ${id} in this report.`));
    return {
      meta: () => Promise.resolve(data.meta),
      events: () => Promise.resolve(data.events),
      event: (id) => data.details[id] ? Promise.resolve(withText(data.details[id])) : missing("event", id),
      story: (id) => data.stories[id] ? Promise.resolve(data.stories[id]) : missing("story", id),
      decisions: () => Promise.resolve(data.decisions),
    };
  }

  const source = REPORT ? reportSource(JSON.parse(embedded.textContent)) : api;

  // ------------------------------------------------------------------ filters (the same conditions as export)

  const filters = { since: "", until: "", country: "", event_type: "", disputed: false, min_sources: 0 };

  function passes(e) {
    if ((filters.since || filters.until) && !e.event_date) return false;
    if (filters.since && e.event_date < filters.since) return false;
    if (filters.until && e.event_date > filters.until) return false;
    if (filters.country && e.country !== filters.country) return false;
    if (filters.event_type && e.event_type !== filters.event_type && e.sub_event_type !== filters.event_type)
      return false;
    if (filters.disputed && !e.disputed) return false;
    return (e.independent_sources || 0) >= filters.min_sources;
  }

  function filterForm(events, redraw) {
    const uniq = (xs) => [...new Set(xs.filter(Boolean))].sort();
    const select = (name, values, label) => h("label", {}, label, " ",
      h("select", { name: name, onchange: (ev) => { filters[name] = ev.target.value; redraw(); } },
        h("option", { value: "" }, "any"),
        values.map((v) => h("option", { value: v, selected: filters[name] === v }, v))));
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
    return h("form", { class: "filters", id: "filters", onsubmit: (ev) => ev.preventDefault() },
      input("since", "date", "from"), input("until", "date", "to"),
      select("country", uniq(events.map((e) => e.country)), "country"),
      select("event_type", uniq(events.flatMap((e) => [e.event_type, e.sub_event_type])), "type"),
      input("disputed", "checkbox", "disputed only"),
      input("min_sources", "number", "min. sources", { min: 0, max: 99, size: 3 }));
  }

  // ------------------------------------------------------------------ map and timeline

  let map = null;

  function drawMap(el, events, meta) {
    if (map) { map.remove(); map = null; }
    const pts = events.filter((e) => e.latitude !== null && e.longitude !== null);
    if (typeof L === "undefined") {
      el.append(h("p", { class: "note" }, "Map library not loaded."));
      return;
    }
    map = L.map(el, { worldCopyJump: true, attributionControl: true });
    if (meta.map_tiles && navigator.onLine) {
      L.tileLayer(meta.map_tiles, {
        maxZoom: 18, attribution: "© OpenStreetMap contributors",
      }).addTo(map);
    }
    // a plain coordinate view: graticule lines every 10 degrees, labelled, visible with or without tiles
    for (let lat = -80; lat <= 80; lat += 10)
      L.polyline([[lat, -180], [lat, 180]], { color: "#bbb", weight: 1, interactive: false }).addTo(map);
    for (let lon = -180; lon <= 180; lon += 10)
      L.polyline([[-85, lon], [85, lon]], { color: "#bbb", weight: 1, interactive: false }).addTo(map);
    // the coordinates under the pointer, so the grid reads as a map without tiles
    const where = h("div", { class: "coords", id: "pointer" }, "");
    map.on("mousemove", (ev) => {
      const lat = ev.latlng.lat, lon = ev.latlng.lng;
      where.textContent = `${Math.abs(lat).toFixed(2)}°${lat >= 0 ? "N" : "S"} ${Math.abs(lon).toFixed(2)}°${lon >= 0 ? "E" : "W"}`;
    });
    el.after(where);
    for (const e of pts) {
      const m = L.circleMarker([e.latitude, e.longitude], {
        radius: 5 + Math.min(10, Math.sqrt(e.fatalities || 0)), color: e.disputed ? "#b00" : "#124",
        weight: 2, fillOpacity: 0.5,
      }).addTo(map);
      m.bindTooltip(() => h("span", {}, `${fmt(e.event_date)} ${e.sub_event_type} — ${fmt(e.location)}`));
      m.on("click", () => { location.hash = `#/event/${encodeURIComponent(e.event_id_cnty)}`; });
    }
    if (pts.length) map.fitBounds(L.latLngBounds(pts.map((e) => [e.latitude, e.longitude])).pad(0.5),
      { maxZoom: 8 });
    else map.setView([20, 0], 2);
    where.before(h("div", { class: "coords" }, pts.length ? `${pts.length} events with coordinates` : "no coordinates"));
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

  function timeline(events) {
    // one mark per event at its date and best fatality figure; a band from low to high where sources
    // give a range, drawn red where they disagree
    const dated = events.filter((e) => e.event_date);
    const W = 900, H = 180, P = 34;
    const box = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "timeline", role: "img",
      "aria-label": "Timeline of events and fatalities" });
    if (!dated.length) { box.append(svg("text", { x: P, y: H / 2, text: "no dated events" })); return box; }
    const day = (d) => Date.parse(d + "T00:00:00Z") / 864e5;
    const d0 = Math.min(...dated.map((e) => day(e.event_date))), d1 = Math.max(...dated.map((e) => day(e.event_date)));
    const top = Math.max(1, ...dated.map((e) => e.fatalities_high ?? e.fatalities_best ?? 0));
    const x = (d) => P + (d1 === d0 ? (W - 2 * P) / 2 : ((day(d) - d0) / (d1 - d0)) * (W - 2 * P));
    const y = (v) => H - P - (Math.sqrt(v) / Math.sqrt(top)) * (H - 2 * P);
    box.append(svg("line", { x1: P, y1: H - P, x2: W - P, y2: H - P, class: "axis" }));
    box.append(svg("text", { x: P, y: H - 8, text: dated.map((e) => e.event_date).sort()[0] }));
    box.append(svg("text", { x: W - P, y: H - 8, "text-anchor": "end", text: dated.map((e) => e.event_date).sort().pop() }));
    box.append(svg("text", { x: 4, y: P - 10, text: `fatalities (max ${top}, square-root scale)` }));
    dated.forEach((e, i) => {
      const cx = x(e.event_date) + ((i % 5) - 2) * 3;
      const g = svg("a", { href: `#/event/${encodeURIComponent(e.event_id_cnty)}`, class: "mark" });
      const lo = e.fatalities_low, hi = e.fatalities_high, best = e.fatalities_best;
      if (lo !== null && lo !== undefined && hi !== null && hi !== undefined && hi !== lo) {
        g.append(svg("rect", { x: cx - 3, y: y(hi), width: 6, height: Math.max(1, y(lo) - y(hi)),
          class: e.disputed ? "band disputed" : "band" }));
      }
      g.append(svg("circle", { cx: cx, cy: y(best || 0), r: 4, class: e.disputed ? "dot disputed" : "dot" },
        svg("title", { text: `${e.event_date} ${e.sub_event_type}: ${range(lo, best, hi) || "no figure"}` })));
      box.append(g);
    });
    return box;
  }

  // ------------------------------------------------------------------ pages

  function eventLink(e, label) {
    return h("a", { href: `#/event/${encodeURIComponent(e)}` }, label || e);
  }

  function summaryFigures(events) {
    const sum = (f) => events.reduce((a, e) => a + (f(e) || 0), 0);
    const item = (label, value) => h("div", { class: "figure" }, h("b", {}, String(value)), h("span", {}, label));
    return h("div", { class: "summary", id: "summary" },
      item("events", events.length),
      item("fatalities (ACLED's count)", sum((e) => e.fatalities)),
      item("fatalities (best, low–high)", `${sum((e) => e.fatalities_best)} (${sum((e) => e.fatalities_low)}–${sum((e) => e.fatalities_high ?? e.fatalities_best)})`),
      item("disputed", events.filter((e) => e.disputed).length),
      item("reviewed", events.filter((e) => e.reviewed).length),
      item("countries", new Set(events.map((e) => e.country).filter(Boolean)).size));
  }

  async function listPage() {
    const [meta, events] = await Promise.all([source.meta(), source.events()]);
    const results = h("div", { id: "results" });
    const redraw = () => {
      const shown = events.filter(passes);
      const mapEl = h("div", { id: "map", class: "map" });
      results.replaceChildren(
        summaryFigures(shown),
        h("div", { class: "views" }, h("div", { class: "map-box" }, mapEl), h("div", { class: "timeline-box" }, timeline(shown))),
        table(["date", "type", "sub-event type", "place", "actor 1", "actor 2", "fatalities", "sources", "", ""],
          shown.map((e) => h("tr", { dataset: { id: e.event_id_cnty } },
            h("td", {}, eventLink(e.event_id_cnty, fmt(e.event_date) || "undated")),
            h("td", {}, e.event_type), h("td", {}, e.sub_event_type),
            h("td", {}, [e.location, e.country].filter(Boolean).join(", ")),
            h("td", {}, fmt(e.actor1)), h("td", {}, fmt(e.actor2)),
            // one rule in every view: ACLED's figure, then the range that holds it
            h("td", {}, e.fatalities_best == null ? "" : range(e.fatalities_low, e.fatalities, e.fatalities_high)),
            h("td", {}, String(e.independent_sources)),
            h("td", {}, e.disputed ? h("span", { class: "badge disputed" }, "disputed") : ""),
            h("td", {}, e.reviewed ? h("span", { class: "badge reviewed" }, "reviewed") : ""))),
          { class: "events", id: "events" }),
        h("p", { class: "count", id: "count" }, `${shown.length} of ${events.length} events`));
      drawMap(mapEl, shown, meta);
    };
    show(h("h1", {}, meta.title || "Events"), filterForm(events, redraw), results);
    redraw();
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
    if (REPORT) return null;
    const msg = h("p", { class: "message", id: "review-message", role: "status" });
    const who = h("input", { name: "reviewer", id: "reviewer", required: true, placeholder: "your name",
      value: localStorage.getItem("eventwire-reviewer") || "" });
    const why = h("input", { name: "reason", id: "reason", placeholder: "why (kept in the log)", size: 40 });
    async function send(body) {
      localStorage.setItem("eventwire-reviewer", who.value);
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

  async function eventPage(id, notice) {
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
      h("td", {}, fmt(c.outlet)), h("td", {}, (c.flags || []).join(", ")),
      h("td", {}, c.independent === undefined ? "" : c.independent ? "yes" : "no")));
    const sources = d.sources.map((s) => {
      const spans = s.evidence.map((e) => ({ start: e.start, end: e.end, kind: "evidence" }))
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
        h("h3", {}, fmt(s.outlet) || s.article_id),
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
      h("h1", { id: "event-title" }, `${d.sub_event_type} — ${[p.name, p.admin1, d.country].filter(Boolean).join(", ")}`),
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
        ["place", [p.name, p.admin1, d.country].filter(Boolean).join(", ")],
        ["coordinates", p.latitude === undefined || p.latitude === null ? "" : `${p.latitude}, ${p.longitude} (precision ${p.geo_precision})`],
        ["fatalities (ACLED)", fmt(d.fatalities)],
        ["fatalities (low/best/high)", `${fmt(d.fatalities_low)} / ${fmt(d.fatalities_best)} / ${fmt(d.fatalities_high)}`],
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
      h("h2", {}, `Sources (${d.sources.length})`),
      h("div", { class: "sources", id: "sources" }, sources));
  }

  async function storyPage(id) {
    const s = await source.story(id);
    show(
      h("p", {}, h("a", { href: "#/" }, "← all events")),
      h("h1", {}, `Story: ${fmt(s.title) || s.id}`),
      h("h2", {}, "Articles: originals, copies and rewrites"),
      table(["published", "outlet", "title", "relation", "of", "evidence", "link"], (s.articles || []).map((a) => h("tr", {
        class: "story-article", dataset: { article: a.id, relation: a.relation || "" } },
        h("td", {}, fmt(a.published)), h("td", {}, fmt(a.outlet)), h("td", {}, fmt(a.title)),
        h("td", {}, fmt(a.relation)), h("td", {}, fmt(a.derivative_of)),
        h("td", {}, (a.evidence || []).join("; ")), h("td", {}, link(a.url))))),
      h("h2", {}, "Events"),
      h("ul", {}, (s.event_ids || []).map((e) => h("li", {}, eventLink(e)))));
  }

  async function disputesPage() {
    const events = (await source.events()).filter((e) => e.disputed);
    const details = await Promise.all(events.map((e) => source.event(e.event_id_cnty)));
    show(
      h("h1", {}, "Disputes"),
      h("p", {}, `${details.length} events whose sources disagree on a figure.`),
      details.map((d) => h("section", { class: "dispute" },
        h("h2", {}, eventLink(d.event_id_cnty, `${fmt(d.event_date)} ${d.sub_event_type} — ${fmt((d.place || {}).name)}`)),
        h("p", { class: "dispute-note" }, d.dispute_note),
        table(["figure", "source", "speaker", "hedge", "value", "words"],
          // the event's own disputed figures, and the claims about its episode (a toll of "the fighting")
          d.claims.filter((c) => c.level === "episode" || d.figures.some((f) => f.disputed && f.field === c.field)).map((c) => h("tr", { class: "dispute-claim" },
            h("td", {}, c.field), h("td", {}, fmt(c.outlet)), h("td", {}, fmt(c.speaker)), h("td", {}, fmt(c.hedge)),
            h("td", {}, range(c.value_low, c.value_best, c.value_high)), h("td", {}, c.text)))))));
  }

  async function decisionsPage() {
    show(h("h1", {}, "Decision log"), decisionLog(await source.decisions()));
  }

  async function route() {
    const [, page, id] = decodeURIComponent(location.hash.replace(/^#/, "")).split("/");
    try {
      if (page === "event" && id) await eventPage(id);
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

  window.addEventListener("hashchange", route);
  route();
})();
