/* "What is playing?": upload a clip to POST /identify and show the recording, its credits
   and where it is used. Built with DOM nodes only (no HTML strings). */
(function () {
  "use strict";
  const form = document.getElementById("identify-form");
  const out = document.getElementById("identify-result");
  if (!form || !out) return;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) {
      if (c == null || c === false) continue;
      node.append(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  function matchCard(m) {
    const roles = Object.entries(m.credits || {}).map(([role, people]) =>
      el("li", {}, `${role.replace("_", " ")}: `,
        ...people.flatMap((p, i) => [i ? ", " : "",
          el("a", { href: `#/composer/${encodeURIComponent(p.id)}` }, p.name)])));
    const uses = (m.used_in || []).map((u) => el("li", {},
      `${u.work_title || u.work} episode ${u.episode}` +
      (u.start != null ? ` at ${Math.round(u.start)}–${Math.round(u.end)} s` : "") +
      (u.detected ? " (detected)" : "")));
    return el("div", { class: "card identify-match", "data-recording": m.recording.iri },
      el("h3", {}, m.recording.title || m.recording.id),
      el("div", { class: "muted" },
        `confidence ${Math.round(m.confidence * 100)}% · from ${Math.round(m.at_seconds)} s ` +
        "of the recording"),
      roles.length ? el("ul", { class: "credits" }, ...roles) : el("div", { class: "muted" },
        "no credits recorded for this recording"),
      uses.length ? el("details", {}, el("summary", {}, "where it is used"),
        el("ul", {}, ...uses)) : null);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = document.getElementById("identify-clip").files[0];
    if (!file) return;
    const body = new FormData();
    body.append("clip", file);
    out.replaceChildren(el("p", { class: "muted" }, "listening…"));
    let res, data;
    try {
      res = await fetch("/identify", { method: "POST", body });
      data = await res.json();
    } catch (e) {
      out.replaceChildren(el("p", { class: "error" }, `could not reach the server: ${e}`));
      return;
    }
    if (!res.ok) {
      out.replaceChildren(el("p", { class: "error", "data-status": String(res.status) },
        data.error || `error ${res.status}`));
      return;
    }
    out.replaceChildren(data.matches.length
      ? el("div", { class: "identify-answer", "data-status": data.status },
        ...data.matches.map(matchCard))
      : el("p", { class: "muted", "data-status": data.status },
        `No match among the ${data.recordings_indexed} indexed recordings.`));
  });
})();
