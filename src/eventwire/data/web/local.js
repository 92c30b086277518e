// eventwire report: the data source of the report file, answering what the review app's API answers
// (a page of events, figures, timeline, map clusters, regions, search) from the JSON block in the page.
// The same conditions and groupings as the store's queries (src/eventwire/store/queries.py).
(function () {
  "use strict";

  const CLUSTER_PX = 64;
  const MAX_BUCKETS = 400;

  function rowsOf(data) {
    // the table's rows are stored column-wise (names once, then one array per event)
    return data.rows.map((r) => Object.fromEntries(data.columns.map((c, i) => [c, r[i]])));
  }

  function passes(e, f) {
    if ((f.since || f.until) && !e.event_date) return false;
    if (f.since && e.event_date < f.since) return false;
    if (f.until && e.event_date > f.until) return false;
    if (f.country) {
      const c = f.country.trim().toLowerCase();
      if (![e.country, e.country_geonames, e.iso].some((x) => x && x.toLowerCase() === c)) return false;
    }
    if (f.event_type) {
      const t = f.event_type.trim().toLowerCase();
      if ((e.event_type || "").toLowerCase() !== t && (e.sub_event_type || "").toLowerCase() !== t) return false;
    }
    if (f.disputed && !e.disputed) return false;
    if (f.bbox) {
      const [w, s, east, n] = f.bbox;
      if (e.latitude === null || e.latitude < s || e.latitude > n) return false;
      if (east - w < 360 && (e.longitude < w || e.longitude > east)) return false;
    }
    return (e.independent_sources || 0) >= (Number(f.min_sources) || 0);
  }

  const SORTS = {
    date: (e) => e.event_date,
    fatalities: (e) => e.fatalities_best ?? e.fatalities,
    sources: (e) => e.independent_sources,
    changed: (e) => e.event_date,
  };

  function compare(key, desc) {
    return (a, b) => {
      const x = key(a), y = key(b);
      const nx = x === null || x === undefined, ny = y === null || y === undefined;
      if (nx !== ny) return nx ? 1 : -1;  // missing values last
      const c = nx ? 0 : x < y ? -1 : x > y ? 1 : 0;
      const byId = a.event_id_cnty < b.event_id_cnty ? -1 : a.event_id_cnty > b.event_id_cnty ? 1 : 0;
      return (desc ? -c : c) || (desc ? -byId : byId);
    };
  }

  function day(d) { return Date.parse(d + "T00:00:00Z") / 864e5; }
  function iso(t) { return new Date(t * 864e5).toISOString().slice(0, 10); }

  function bucketOf(d, unit) {
    if (unit === "day") return d;
    if (unit === "month") return d.slice(0, 8) + "01";
    const t = day(d), weekday = (new Date(t * 864e5).getUTCDay() + 6) % 7;  // weeks start on Monday
    return iso(t - weekday);
  }

  function mercator(lat, lon, zoom) {
    const scale = 256 * 2 ** zoom, r = (lat * Math.PI) / 180;
    return [((lon + 180) / 360) * scale, ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * scale];
  }

  function words(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1);
  }

  window.eventwireLocal = function (data) {
    const rows = rowsOf(data);
    const byId = new Map(rows.map((e) => [e.event_id_cnty, e]));
    const best = (e) => e.fatalities_best ?? e.fatalities ?? 0;
    const sum = (xs, f) => xs.reduce((a, e) => a + (f(e) || 0), 0);
    const sel = (f) => rows.filter((e) => passes(e, f));
    const withText = (d) => Object.assign({}, d, {
      sources: d.sources.map((s) => Object.assign({ text: (data.articles[s.article_id] || {}).text || "" }, s)),
    });
    const missing = (what, id) => Promise.reject(new Error(`No ${what} ${id} in this report.`));
    return {
      meta: () => Promise.resolve(data.meta),
      basemap: () => Promise.resolve(data.basemap),
      facets: () => {
        const count = (xs) => [...xs.reduce((m, x) => x ? m.set(x, (m.get(x) || 0) + 1) : m, new Map())]
          .sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([name, events]) => ({ name, events }));
        const dates = rows.map((e) => e.event_date).filter(Boolean).sort();
        return Promise.resolve({ countries: count(rows.map((e) => e.country)),
          event_types: count(rows.flatMap((e) => [e.event_type, e.sub_event_type])),
          first_date: dates[0] || null, last_date: dates[dates.length - 1] || null });
      },
      page: (f, sort, order, offset, limit) => {
        const all = sel(f).sort(compare(SORTS[sort] || SORTS.date, order !== "asc"));
        return Promise.resolve({ total: all.length, offset, limit, events: all.slice(offset, offset + limit) });
      },
      summary: (f) => {
        const xs = sel(f), dates = xs.map((e) => e.event_date).filter(Boolean).sort();
        return Promise.resolve({
          events: xs.length, fatalities: sum(xs, (e) => e.fatalities), fatalities_best: sum(xs, (e) => e.fatalities_best),
          fatalities_low: sum(xs, (e) => e.fatalities_low), fatalities_high: sum(xs, (e) => e.fatalities_high ?? e.fatalities_best),
          disputed: xs.filter((e) => e.disputed).length, reviewed: xs.filter((e) => e.reviewed).length,
          countries: new Set(xs.map((e) => e.country).filter(Boolean)).size,
          first_date: dates[0] || null, last_date: dates[dates.length - 1] || null,
          with_coordinates: xs.filter((e) => e.latitude !== null).length,
        });
      },
      timeline: (f) => {
        const xs = sel(f).filter((e) => e.event_date);
        if (!xs.length) return Promise.resolve({ unit: "day", buckets: [] });
        const ds = xs.map((e) => day(e.event_date));
        const span = Math.max(...ds) - Math.min(...ds) + 1;
        const unit = span <= MAX_BUCKETS ? "day" : span <= MAX_BUCKETS * 7 ? "week" : "month";
        const m = new Map();
        for (const e of xs) {
          const k = bucketOf(e.event_date, unit);
          const b = m.get(k) || { date: k, events: 0, best: 0, low: 0, high: 0, disputed: 0, top: -1, top_event: null };
          b.events += 1; b.best += e.fatalities_best || 0; b.low += e.fatalities_low ?? e.fatalities_best ?? 0;
          b.high += e.fatalities_high ?? e.fatalities_best ?? 0; b.disputed += e.disputed ? 1 : 0;
          if ((e.fatalities_best || 0) > b.top) { b.top = e.fatalities_best || 0; b.top_event = e.event_id_cnty; }
          m.set(k, b);
        }
        return Promise.resolve({ unit, buckets: [...m.values()].sort((a, b) => (a.date < b.date ? -1 : 1)) });
      },
      clusters: (f, zoom, bbox) => {
        const cells = new Map();
        for (const e of sel(Object.assign({}, f, { bbox }))) {
          if (e.latitude === null || e.longitude === null || Math.abs(e.latitude) > 85) continue;
          const [x, y] = mercator(e.latitude, e.longitude, zoom);
          const k = `${Math.floor(x / CLUSTER_PX)},${Math.floor(y / CLUSTER_PX)}`;
          const c = cells.get(k) || { count: 0, lat: 0, lon: 0, s: 90, w: 180, n: -90, e: -180, fatalities: 0, disputed: 0, topF: -1, top: null };
          c.count += 1; c.lat += e.latitude; c.lon += e.longitude; c.fatalities += best(e); c.disputed += e.disputed ? 1 : 0;
          c.s = Math.min(c.s, e.latitude); c.n = Math.max(c.n, e.latitude);
          c.w = Math.min(c.w, e.longitude); c.e = Math.max(c.e, e.longitude);
          if (best(e) > c.topF) {
            c.topF = best(e);
            c.top = { id: e.event_id_cnty, date: e.event_date, type: e.sub_event_type, place: e.location, country: e.country };
          }
          cells.set(k, c);
        }
        const out = [...cells.values()].sort((a, b) => b.count - a.count).map((c) => ({
          count: c.count, latitude: c.lat / c.count, longitude: c.lon / c.count, bounds: [[c.s, c.w], [c.n, c.e]],
          fatalities: c.fatalities, disputed: c.disputed, top: c.top }));
        return Promise.resolve({ zoom, cells: out, events: sum(out, (c) => c.count) });
      },
      regions: (f, level) => {
        const m = new Map();
        for (const e of sel(f)) {
          if (!e.iso || (level === "admin1" && !e.admin1)) continue;
          const k = level === "admin1" ? `${e.iso}|${e.admin1}` : e.iso;
          const r = m.get(k) || { iso3: e.iso, country: e.country, admin1: level === "admin1" ? e.admin1 : undefined,
            events: 0, fatalities: 0, fatalities_best: 0, disputed: 0, lat: 0, lon: 0, located: 0 };
          r.events += 1; r.fatalities += e.fatalities || 0; r.fatalities_best += best(e); r.disputed += e.disputed ? 1 : 0;
          if (e.latitude !== null) { r.lat += e.latitude; r.lon += e.longitude; r.located += 1; }
          m.set(k, r);
        }
        const regions = [...m.values()].sort((a, b) => b.events - a.events).map((r) => Object.assign(r, {
          latitude: r.located ? r.lat / r.located : null, longitude: r.located ? r.lon / r.located : null }));
        return Promise.resolve({ level, regions });
      },
      search: (q) => {
        const terms = words(q);
        const hit = (text) => { const t = words(text).join(" "); return terms.filter((w) => t.includes(w)).length; };
        const events = rows.map((e) => {
          const d = data.details[e.event_id_cnty];
          const n = hit([e.notes, d && d.notes, e.actor1, e.actor2, e.location, e.admin1, e.country, e.sub_event_type, e.event_type].join(" "));
          return [n, e];
        }).filter(([n]) => n === terms.length && n > 0).map(([, e]) => Object.assign({}, e, {
          id: e.event_id_cnty, acled_country: e.country, all_terms: true, evidence: [] }));
        const articles = Object.entries(data.articles).filter(([, a]) => terms.length && hit(a.text) === terms.length)
          .map(([aid, a]) => {
            const cited = Object.values(data.details).filter((d) => d.article_ids.includes(aid));
            const src = cited.length ? cited[0].sources.find((s) => s.article_id === aid) : null;
            const sentences = a.text.match(/[^.!?\n]+(?:[.!?]+|$)/g) || [];
            let at = 0, match = null, most = 0;
            for (const s of sentences) {
              const start = a.text.indexOf(s, at); at = start + s.length;
              const n = hit(s);
              if (n > most) { most = n; match = { text: s.trim(), start: start + s.length - s.trimStart().length, end: start + s.length }; }
            }
            return { article_id: aid, title: src ? src.title : null, outlet: src ? src.outlet : null, url: src ? src.url : null,
              published: src ? src.published : null, all_terms: true, match,
              events: cited.map((d) => ({ event_id: d.event_id_cnty, event_date: d.event_date, sub_event_type: d.sub_event_type,
                location: d.location, country: d.country,
                evidence: (d.sources.find((s) => s.article_id === aid) || { evidence: [] }).evidence[0] || null })) };
          });
        return Promise.resolve({ q, terms, events_total: events.length, articles_total: articles.length,
          events: events.slice(0, 20), articles: articles.slice(0, 20) });
      },
      event: (id) => data.details[id] ? Promise.resolve(withText(data.details[id]))
        : byId.has(id) ? Promise.reject(new Error(`Event ${id}: its sources and claims are not in this report (it holds them for ${Object.keys(data.details).length} events); open the store with 'eventwire serve', or write a report of fewer events with its filters.`))
          : missing("event", id),
      story: (id) => data.stories[id] ? Promise.resolve(data.stories[id]) : missing("story", id),
      decisions: () => Promise.resolve(data.decisions),
    };
  };
})();
