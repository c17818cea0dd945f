/* cuegraph's web page: a small single-page app over the JSON API (same data, same answers). */
"use strict";

const $ = (sel) => document.querySelector(sel);

/** The URL `u` names (resolved against `base` when given) if its scheme is http or https,
 * else null. The page's one allow-list for links: `javascript:`, `data:`, `vbscript:` and every
 * other scheme never become an href (a stored IRI is data, not something to run on a click). */
function httpHref(u, base) {
  let url;
  try { url = base === undefined ? new URL(String(u)) : new URL(String(u), base); } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
}

/** A link to an outside URL from the data (sources, sameAs, ids), labelled `label` (default:
 * the URL): an <a> only for an absolute http(s) URL; anything else is plain text (a span). */
function externalLink(u, label, attrs) {
  const href = httpHref(u);
  const text = label === undefined || label === null ? String(u) : label;
  if (href) return h("a", { ...attrs, href, rel: "noreferrer" }, text);
  return h("span", { ...attrs, class: `iri ${(attrs && attrs.class) || ""}`.trim() }, text);
}

/** Build an element: h("a", {href: "#"}, "text", child, ...). Text is never parsed as HTML;
 * an href that does not resolve to http(s) (against this page) is left out. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "href" || k === "src" || k === "action" || k === "formaction") {
      if (httpHref(v, location.href) !== null) el.setAttribute(k, v);
    } else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

async function api(path, params) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  }
  const resp = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await resp.json().catch(() => ({ error: resp.statusText }));
  if (!resp.ok) throw Object.assign(new Error(body.error || resp.statusText), { body });
  return body;
}

const ROLE_LABELS = {
  score_composer: "score composer", composer: "composer", lyricist: "lyricist",
  arranger: "arranger", performer: "performer", singer: "singer", conductor: "conductor",
  orchestrator: "orchestrator", musician: "musician", producer: "producer",
  contributor: "contributor",
};
const PRECISION_TEXT = {
  cue: "a timed cue covers this moment",
  episode: "known to play somewhere in this episode (no exact time)",
  work: "only the work's score composer is known",
  none: "nothing is known",
};
const STATUS_TEXT = { music: "music found", silence: "silence recorded", no_data: "no data" };

const personLink = (p) => h("a", { href: `#/composer/${encodeURIComponent(p.id)}` }, p.name);
const workLink = (w) => h("a", { href: `#/work/${encodeURIComponent(w.id)}` }, w.title || w.id);
const native = (text) => (text ? h("span", { class: "native" }, ` ${text}`) : null);
const badge = (precision) => h("span", { class: `badge p-${precision}` }, precision);

function sourcesList(urls) {
  if (!urls || !urls.length) return null;
  return h("div", { class: "sources" }, "sources: ",
    urls.map((u, i) => [i ? " · " : "", externalLink(u)]));
}

/** Where credits come from: each source's readable label (site and page title, or host;
 * subtitle files said so) linking to it, with the licence of the graph it was read into. */
function citations(details) {
  if (!details || !details.length) return null;
  return h("span", { class: "cited" }, " — ", details.map((d, i) => [i ? " · " : "",
    externalLink(d.url, d.label, { class: `source source-${d.kind}`, title: d.url }),
    d.license_name ? h("span", { class: "license" }, ` (${d.license_name})`) : null]));
}

/** A cue's sources by their readable labels (a subtitle file says so), else the URLs. */
function cueSources(cue) {
  if (!cue.source_details || !cue.source_details.length) return sourcesList(cue.sources);
  return h("div", { class: "sources" }, "sources: ", cue.source_details.map((d, i) =>
    [i ? " · " : "", externalLink(d.url, d.label,
      { title: d.url, class: `source source-${d.kind}` })]));
}

function creditsList(credits) {
  const ul = h("ul", { class: "credits" });
  for (const [role, people] of Object.entries(credits || {})) {
    ul.append(h("li", { "data-role": role }, h("span", { class: "role" }, ROLE_LABELS[role] || role),
      people.map((p, i) => [i ? "; " : "", personLink(p), native(p.native_name),
        citations(p.source_details)])));
  }
  return ul;
}

function errorBox(err) {
  const box = h("div", { class: "error" }, h("strong", {}, err.message));
  const detail = err.body && err.body.detail;
  const close = detail && detail.close_matches;
  if (close && close.length) {
    box.append(h("p", {}, "Did you mean: ",
      close.map((m, i) => [i ? ", " : "", typeof m === "number" ? `episode ${m}`
        : m.title ? workLink(m) : personLink(m)])));
  }
  return box;
}

/* ---- views ---------------------------------------------------------------------------- */
const VIEWS = ["search", "scene", "composer", "work", "sparql", "stats"];

function show(name) {
  for (const v of VIEWS) $(`#view-${v}`).hidden = v !== name;
}

async function route() {
  const shared = sharedQuery(); // a share link (/#query=…): the editor opens with its query
  if (shared !== null) { show("sparql"); return startSparql(shared); }
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || "");
  if (parts[0] === "composer" && parts[1]) { show("composer"); return composerPage(parts[1]); }
  if (parts[0] === "work" && parts[1]) { show("work"); return workPage(parts[1]); }
  if (parts[0] === "scene") { show("scene"); return sceneFromParams(params); }
  if (parts[0] === "sparql") { show("sparql"); return startSparql(); }
  if (parts[0] === "stats") { show("stats"); return statsPage(); }
  show("search");
  if (params.get("q")) { $("#search-q").value = params.get("q"); return search(params.get("q")); }
  return search("");
}

/* ---- search --------------------------------------------------------------------------- */
async function search(q) {
  const [people, works] = await Promise.all([api("/composers", { q }), api("/works", { q })]);
  const pl = $("#search-composers");
  pl.replaceChildren(...people.data.map((p) => h("li", {}, personLink(p), native(p.native_name),
    h("div", { class: "muted" }, Object.keys(p.roles).map((r) => ROLE_LABELS[r] || r).join(", ")
      || p.kind))));
  if (!people.count) pl.append(h("li", { class: "muted" }, "no one matches"));
  const wl = $("#search-works");
  wl.replaceChildren(...works.data.map((w) => h("li", {}, workLink(w), native(w.native_title),
    h("div", { class: "muted" }, [w.type, w.year, w.episodes && `${w.episodes} episodes`]
      .filter(Boolean).join(" · ")))));
  if (!works.count) wl.append(h("li", { class: "muted" }, "no work matches"));
}

$("#search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  location.hash = `#/?q=${encodeURIComponent($("#search-q").value)}`;
});

/* ---- scene ---------------------------------------------------------------------------- */
function cueCard(cue) {
  if (cue.silence) {
    return h("div", { class: "card silence" }, h("h3", {}, "Silence"),
      h("div", {}, `a deliberate silence, ${cue.when}`),
      cue.note && h("div", { class: "muted" }, cue.note), cueSources(cue));
  }
  const when = cue.timed ? cue.when : `somewhere in episode ${cue.episode}`;
  return h("div", { class: "card cue", "data-usage": cue.usage },
    h("h3", {}, cue.title || "untitled"),
    h("div", { class: "muted" }, `${cue.usage} · ${when}`),
    cue.song && cue.song.native_title && h("div", { class: "native" }, cue.song.native_title),
    cue.recording && h("div", { class: "muted" }, `recording: ${cue.recording.title || cue.recording.id}`),
    cue.hint && h("div", { class: "hint" }, cue.hint),
    cue.detected && h("div", { class: "detected", "data-detected": "true" },
      h("span", { class: "badge p-detected" }, "detected"),
      ` ${cue.method || "automatically"}` +
      (cue.confidence != null ? ` · confidence ${Math.round(cue.confidence * 100)}%` : "") +
      " · not checked by a person"),
    creditsList(cue.credits),
    cue.note && h("details", {}, h("summary", {}, "note"), cue.note),
    cueSources(cue));
}

function levelBlock(level) {
  const head = h("div", { class: "level-head" }, badge(level.precision),
    h("span", { class: `status status-${level.status}` }, STATUS_TEXT[level.status]),
    h("span", {}, level.note));
  const block = h("div", { class: `level level-${level.precision}`, "data-precision": level.precision,
    "data-status": level.status }, head);
  const cards = h("div", { class: "cards" });
  for (const cue of level.cues || []) cards.append(cueCard(cue));
  if (level.credits && Object.keys(level.credits).length) {
    cards.append(h("div", { class: "card" }, h("h3", {}, "Score"), creditsList(level.credits),
      sourcesList([...new Set(Object.values(level.credits).flat().flatMap((p) => p.sources))])));
  }
  for (const song of level.songs || []) {
    cards.append(h("div", { class: "card song" }, h("h3", {}, song.title || "untitled"),
      native(song.native_title), h("div", { class: "muted" }, "a song known for this work"),
      creditsList(song.credits)));
  }
  if (level.status === "no_data") {
    cards.append(h("div", { class: "card nodata" }, "No data for this level."));
  }
  block.append(cards);
  if (level.other_timed_cues && level.other_timed_cues.length) {
    block.append(h("div", { class: "muted" }, "Timed cues elsewhere in this episode: ",
      level.other_timed_cues.map((c, i) => [i ? "; " : "",
        `${c.title || c.usage} (${c.usage}, ${c.when})`])));
  }
  return block;
}

function renderScene(answer) {
  const out = $("#scene-result");
  out.replaceChildren(h("div", { class: `answer precision-${answer.precision}`,
    "data-precision": answer.precision, "data-status": answer.status },
  h("p", { class: "headline" }, answer.headline),
  h("div", { class: "level-head" }, h("span", {}, "Best answer:"), badge(answer.precision),
    h("span", { class: `status status-${answer.status}` }, STATUS_TEXT[answer.status]),
    h("span", { class: "muted" }, PRECISION_TEXT[answer.precision])),
  h("p", { class: "summary muted" }, answer.summary),
  h("p", {}, workLink(answer.work), native(answer.work.native_title),
    ` · episode ${answer.episode}`)),
  ...answer.levels.map(levelBlock));
}

async function sceneFromParams(params) {
  for (const k of ["work", "episode", "t", "from", "to"]) {
    if (params.has(k)) $(`#scene-${k}`).value = params.get(k);
  }
  fillWorkList();
  if (!params.get("work")) return;
  const out = $("#scene-result");
  out.replaceChildren(h("p", { class: "muted" }, "Looking up …"));
  try {
    renderScene(await api("/scene", Object.fromEntries(params)));
  } catch (err) {
    const candidates = err.body && err.body.candidates;
    if (!candidates) return out.replaceChildren(errorBox(err));
    // 300: the title names several works; each choice is the same lookup by the work's id
    out.replaceChildren(h("div", { class: "chooser" }, h("strong", {}, err.message),
      h("p", {}, "Which one do you mean?"),
      h("ul", {}, candidates.map((w) => {
        const choice = new URLSearchParams(params);
        choice.set("work", w.id);
        return h("li", {}, h("a", { href: `#/scene?${choice}`, "data-work": w.id },
          w.title || w.id), native(w.native_title), h("span", { class: "muted" },
          ` · ${[w.type, w.year, w.episodes && `${w.episodes} episodes`].filter(Boolean)
            .join(" · ")}`));
      }))));
  }
}

let workListFilled = false;
async function fillWorkList() {
  if (workListFilled) return;
  workListFilled = true;
  const works = await api("/works", { limit: 1000 });
  $("#work-list").replaceChildren(...works.data.map((w) => h("option", { value: w.id }, w.title)));
}

$("#scene-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const params = new URLSearchParams();
  for (const k of ["work", "episode", "t", "from", "to"]) {
    const v = $(`#scene-${k}`).value.trim();
    if (v) params.set(k, v);
  }
  const target = `#/scene?${params}`;
  if (location.hash === target) route(); else location.hash = target;
});

/* ---- composer and work pages ------------------------------------------------------------ */
const ID_NAMES = { wikidata: "Wikidata", musicbrainz: "MusicBrainz", vgmdb: "VGMdb",
  anilist: "AniList", anidb: "AniDB", mal: "MyAnimeList", animethemes: "AnimeThemes" };
function identifiers(links, sameAs) {
  const items = (links || []).map((x) => h("li", { "data-scheme": x.scheme },
    `${ID_NAMES[x.scheme] || x.scheme}: `,
    x.url ? externalLink(x.url, x.value, { class: "id-link" }) : x.value));
  for (const u of sameAs || []) items.push(h("li", {}, externalLink(u)));
  return items.length ? [h("h2", {}, "Identifiers"), h("ul", {}, items)] : [];
}

/** A table cell listing credit sources (label + licence), or nothing. */
function sourceCell(details) {
  const c = citations(details);
  if (c) c.firstChild.remove(); // no leading dash inside a cell
  return c || "";
}

function recordSources(details) {
  if (!details || !details.length) return h("p", { class: "muted" }, "none");
  return h("ul", { class: "record-sources" }, details.map((d) => h("li", {},
    externalLink(d.url, d.label, { title: d.url }),
    d.license_name ? h("span", { class: "license" }, ` (${d.license_name})`) : null)));
}

function table(headers, rows) {
  return h("table", { class: "plain" }, h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
}

async function composerPage(id) {
  const page = $("#composer-page");
  page.replaceChildren(h("p", { class: "muted" }, "Loading …"));
  let p;
  try { p = await api(`/composers/${encodeURIComponent(id)}`); } catch (err) {
    return page.replaceChildren(errorBox(err));
  }
  const roles = (list) => list.map((r) => ROLE_LABELS[r] || r).join(", ");
  page.replaceChildren(
    h("div", { class: "profile-head" }, h("h1", {}, p.name), native(p.native_name),
      h("a", { href: p.links.graph_view, class: "graph-link" }, "graph view"),
      h("a", { href: p.links.json }, "JSON")),
    p.aliases.length ? h("p", { class: "muted" }, `also known as ${p.aliases.join(", ")}`) : null,
    h("p", { class: "counts" }, Object.entries(p.counts).map(([k, v]) => h("span", {}, `${v} ${k}`))),
    h("h2", {}, "Works"),
    table(["year", "work", "roles", "songs", "credited by"], p.works.map((w) =>
      [w.year || "", [workLink(w), native(w.native_title)], roles(w.roles), w.songs.join(", "),
        sourceCell(w.sources)])),
    h("h2", {}, "Songs"),
    table(["song", "work", "roles", "used in", "credited by"], p.songs.map((s) =>
      [[s.title, native(s.native_title)], s.work ? workLink(s.work) : "", roles(s.roles),
        s.cues.map((c) => `ep ${c.episode} ${c.usage}`).join(", "), sourceCell(s.sources)])),
    h("h2", {}, "Most frequent collaborators"),
    p.collaborators.length
      ? table(["who", "as", "shared credits"], p.collaborators.map((c) =>
        [[personLink(c), native(c.native_name)], roles(c.roles), c.shared]))
      : h("p", { class: "muted" }, "none recorded"),
    ...identifiers(p.identifier_links, p.same_as),
    h("h2", {}, "Sources of this profile's names and ids"),
    recordSources(p.record_sources));
}

async function workPage(id) {
  const page = $("#work-page");
  page.replaceChildren(h("p", { class: "muted" }, "Loading …"));
  let w;
  try { w = await api(`/works/${encodeURIComponent(id)}`); } catch (err) {
    return page.replaceChildren(errorBox(err));
  }
  page.replaceChildren(
    h("div", { class: "profile-head" }, h("h1", {}, w.title), native(w.native_title),
      h("a", { href: w.links.graph_view, class: "graph-link" }, "graph view"),
      h("a", { href: w.links.json }, "JSON")),
    h("p", { class: "muted" }, [w.type, w.year, w.episodes && `${w.episodes} episodes`]
      .filter(Boolean).join(" · ")),
    h("h2", {}, "Score"),
    w.score_composers.length ? creditsList({ score_composer: w.score_composers })
      : h("p", { class: "muted" }, "no score composer recorded"),
    h("h2", {}, "Songs"),
    table(["song", "credits", "episodes"], w.songs.map((s) =>
      [[s.title, native(s.native_title)], creditsList(s.credits),
        s.episodes.length ? `${s.usages.join("/")} · ${s.episodes.join(", ")}` : ""])),
    h("h2", {}, "Cues by episode"),
    w.cues_by_episode.length ? table(["episode", "cues"], w.cues_by_episode.map((e) =>
      [h("a", { href: `#/scene?work=${encodeURIComponent(w.id)}&episode=${e.episode}&t=0` },
        `episode ${e.episode}`),
      e.cues.map((c, i) => [i ? "; " : "", `${c.title || "silence"} (${c.usage}`,
        c.timed ? `, ${c.start_tc}–${c.end_tc})` : ", untimed)"])])) :
      h("p", { class: "muted" }, "no cues recorded"),
    ...identifiers(w.identifier_links, w.same_as),
    h("h2", {}, "Sources of this work's title and details"),
    recordSources(w.record_sources));
}

/* ---- stats ------------------------------------------------------------------------------ */
async function statsPage() {
  const s = await api("/stats");
  $("#stats-page").replaceChildren(h("h1", {}, "What the graph holds"),
    h("p", {}, `${s.triples} triples`),
    table(["type", "count"], Object.entries(s.types)),
    h("h2", {}, "Credits by role"),
    table(["role", "credits", "people"], s.roles.map((r) => [ROLE_LABELS[r.role] || r.role,
      r.credits, r.agents])),
    h("h2", {}, "Sources"),
    table(["source", "graphs", "triples", "licences", "last harvest"], s.sources.map((x) =>
      [x.source, x.graphs, x.triples, x.licenses.join(", "), x.last_harvest || ""])));
}

/* ---- SPARQL (YASGUI, vendored; no remote requests) ---------------------------------------- */
let examples = null; // the gallery, from /sparql-examples.json (the .rq files cuegraph ships)
async function loadExamples() {
  if (!examples) examples = (await api("/sparql-examples.json")).data;
  return examples;
}

/** YASR's error view: the server's one-line message ({error, detail} JSON), not raw JSON. */
async function sparqlError(error) {
  let message = error.statusText || "the query failed";
  let detail = null;
  try {
    const body = JSON.parse(error.text || "");
    if (body.error) message = body.error;
    detail = body.detail;
  } catch { if (error.text && !/^\s*[{<]/.test(error.text)) message = error.text; }
  const where = detail && (detail.line || detail.position)
    ? ` (line ${detail.line}${detail.column ? `, column ${detail.column}` : ""})` : "";
  return h("div", { class: "error sparql-error" },
    h("strong", {}, error.status ? `Error ${error.status}: ` : "Error: "), message + where);
}

/** The query a YASGUI/WDQS share link (`/#query=…`) carries, else null. */
function sharedQuery() {
  const hash = location.hash.replace(/^#/, "");
  if (!/(^|&)query=/.test(hash)) return null;
  return new URLSearchParams(hash).get("query");
}

let yasgui = null;
async function startSparql(query) {
  const list = await loadExamples();
  if (!yasgui) {
    const endpoint = `${location.origin}/sparql`;
    const Y = window.Yasgui;
    // Offline: no autocompleters that call prefix.cc or Linked Open Vocabularies.
    Y.Yasqe.defaults.autocompleters = ["variables"];
    Y.Yasr.defaults.errorRenderers = [sparqlError];
    yasgui = new Y($("#yasgui"), {
      requestConfig: { endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      persistenceId: null,
      populateFromUrl: false, // the page owns location.hash (its routes); share links below
      endpointCatalogueOptions: { getData: () => [{ endpoint }] },
      yasqe: { value: query || (list[0] && list[0].query) || "" },
    });
    // YASR links the IRIs of results: the page's rule holds there too (httpHref), so a
    // javascript:, data: or ftp: IRI in a result is text, never a link.
    const unlink = (root) => root.querySelectorAll("a[href]").forEach((a) => {
      if (httpHref(a.getAttribute("href"), location.href) === null) a.removeAttribute("href");
    });
    new MutationObserver(() => unlink($("#yasgui"))).observe($("#yasgui"),
      { childList: true, subtree: true, attributes: true, attributeFilter: ["href"] });
    const box = $("#sparql-examples");
    box.replaceChildren(...list.map((e) => h("button", { type: "button", "data-example": e.title,
      "data-id": e.id, title: e.description }, e.title)));
    box.addEventListener("click", (ev) => {
      const found = list.find((e) => e.title === ev.target.getAttribute("data-example"));
      if (!found) return;
      const tab = yasgui.getTab();
      tab.setQuery(found.query);
      tab.query();
    });
  } else if (query) {
    yasgui.getTab().setQuery(query);
  }
}

window.addEventListener("hashchange", route);
route();
