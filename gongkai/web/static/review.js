// Keyboard review for gongkai. Served as a static file: the Content-Security-Policy forbids
// inline script. Crawled text is only ever written with textContent, never innerHTML.
"use strict";

(function () {
  const body = document.body;
  const page = body.dataset.page;
  const canWrite = body.dataset.canWrite === "1";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const flash = document.getElementById("flash");
  const help = document.getElementById("help");
  const UNDO_KEY = "gongkai-undo";
  const QUEUE_KEY = "gongkai-queue";

  const catKeys = {};
  document.querySelectorAll("#catkeys li").forEach(function (li) {
    catKeys[li.dataset.key] = li.dataset.category;
  });

  function say(text) { flash.textContent = text; }

  function undoStack() {
    try { return JSON.parse(sessionStorage.getItem(UNDO_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveUndo(stack) { sessionStorage.setItem(UNDO_KEY, JSON.stringify(stack.slice(-200))); }

  function post(itemId, action, data) {
    return fetch("/api/item/" + itemId + "/" + action, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf,
                "X-Requested-With": "fetch"},
      body: JSON.stringify(data || {}),
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { throw new Error(j.error || r.statusText); }
        return j;
      });
    });
  }

  function stateText(item) {
    if (item.attribution === "not_ours") { return "非本单位"; }
    if (item.decided_by === "manual") { return "已审"; }
    return item.needs_review ? "待审" : "自动";
  }

  function show(el, item) {
    el.dataset.category = item.category || "";
    el.dataset.attribution = item.attribution;
    el.dataset.decidedBy = item.decided_by || "";
    const cat = el.querySelector(".cat");
    if (cat) { cat.textContent = item.category || "-"; }
    const state = el.querySelector(".state");
    if (state) { state.textContent = stateText(item); }
    const how = el.querySelector(".how");
    if (how && item.how) { how.textContent = item.how; }
    const conf = el.querySelector(".conf");
    if (conf && item.decided_by === "manual" && item.attribution !== "not_ours") { conf.textContent = "人工"; }
    const attr = el.querySelector(".attr");
    if (attr) { attr.textContent = item.attribution === "ours" ? "本单位 ours" : "非本单位 not ours"; }
  }

  // -- the queue: j/k select a row, actions apply to it and move on --------------------------
  const rows = Array.prototype.slice.call(document.querySelectorAll("#queue tr.row"));
  let sel = 0;
  function select(i) {
    if (!rows.length) { return; }
    sel = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, n) { r.classList.toggle("sel", n === sel); });
    rows[sel].scrollIntoView({block: "nearest"});
  }
  if (page === "queue") {
    sessionStorage.setItem(QUEUE_KEY, JSON.stringify(rows.map(function (r) { return r.dataset.id; })));
    select(0);
    rows.forEach(function (r, n) { r.addEventListener("click", function () { select(n); }); });
  }

  // -- bulk: tick rows (or the whole page), then the bulk form asks for a confirmation ------
  const pickPage = document.getElementById("pick-page");
  const picked = document.getElementById("picked");
  function picks() { return Array.prototype.slice.call(document.querySelectorAll("input.pick")); }
  function countPicks() {
    const n = picks().filter(function (c) { return c.checked; }).length;
    if (picked) { picked.textContent = n ? "已勾选 " + n + " 条 selected" : "勾选信息后可批量修改 tick items to change them together"; }
    if (pickPage) { pickPage.checked = n > 0 && n === picks().length; }
  }
  if (pickPage) {
    pickPage.addEventListener("change", function () {
      picks().forEach(function (c) { c.checked = pickPage.checked; });
      countPicks();
    });
  }
  picks().forEach(function (c) { c.addEventListener("change", countPicks); });

  function siblings(el) {
    const cluster = el.dataset.cluster;
    if (!cluster) { return []; }
    return rows.filter(function (r) {
      return r !== el && r.dataset.cluster === cluster && r.dataset.decidedBy !== "manual";
    });
  }

  function rowFor(id) {
    if (page === "item") { return document.getElementById("item"); }
    return rows.find(function (r) { return r.dataset.id === String(id); });
  }
  function currentId() {
    if (page === "item") { return document.getElementById("item").dataset.id; }
    return rows.length ? rows[sel].dataset.id : null;
  }
  function neighbour(step) {
    const ids = JSON.parse(sessionStorage.getItem(QUEUE_KEY) || "[]");
    const i = ids.indexOf(currentId());
    return i >= 0 ? ids[i + step] : undefined;
  }

  function act(action, data, label) {
    const id = currentId();
    if (!id) { return; }
    if (!canWrite) { say("只读账号 read-only account"); return; }
    post(id, action, data).then(function (item) {
      const stack = undoStack();
      stack.push(id);
      saveUndo(stack);
      const el = rowFor(id);
      if (el) { show(el, item); }
      say("#" + id + " → " + label);
      if (page === "queue") {
        // a copy of the same 信息 on another channel is filed with it (the counts take the
        // cluster's manual decision): say so on its row and do not stop on it next
        const copies = el && item.decided_by === "manual" ? siblings(el) : [];
        copies.forEach(function (r) {
          const state = r.querySelector(".state");
          if (state) {
            if (!r.classList.contains("filed-with")) { r.dataset.stateWas = state.textContent; }
            state.textContent = "同组已审";
          }
          r.classList.add("filed-with");
        });
        let next = sel + 1;
        while (next < rows.length && copies.indexOf(rows[next]) >= 0) { next += 1; }
        select(next);
      }
    }).catch(function (e) { say("失败 failed: " + e.message); });
  }

  function undo() {
    if (!canWrite) { say("只读账号 read-only account"); return; }
    const stack = undoStack();
    const id = stack.pop();
    if (!id) { say("没有可撤销的操作 nothing to undo"); return; }
    post(id, "undo").then(function (item) {
      saveUndo(stack);
      const el = rowFor(id);
      if (el && (page === "queue" || el.dataset.id === id)) { show(el, item); }
      if (page === "queue") {
        if (el && item.decided_by !== "manual") {
          siblings(el).filter(function (r) { return r.classList.contains("filed-with"); })
            .forEach(function (r) {
              const state = r.querySelector(".state");
              if (state && r.dataset.stateWas) { state.textContent = r.dataset.stateWas; }
              r.classList.remove("filed-with");
            });
        }
        const i = rows.indexOf(el);
        if (i >= 0) { select(i); }
      }
      say("已撤销 undone #" + id);
    }).catch(function (e) { say("失败 failed: " + e.message); });
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    const t = ev.target;
    // typing in a field is typing; a ticked checkbox keeps the keys working
    if (t && ((t.tagName === "INPUT" && t.type !== "checkbox") || t.tagName === "SELECT" ||
              t.tagName === "TEXTAREA")) { return; }
    if (page !== "queue" && page !== "item") {
      if (ev.key === "?" && help) { help.hidden = !help.hidden; }
      return;
    }
    const k = ev.key;
    if (catKeys[k]) { act("category", {category: catKeys[k]}, catKeys[k]); }
    else if (k === "n") { act("not-ours", {}, "归属 attribution"); }
    else if (k === "u") { undo(); }
    else if (k === "?") { if (help) { help.hidden = !help.hidden; } }
    else if (k === "Escape") { if (help) { help.hidden = true; } }
    else if (k === "j" || k === "k") {
      if (page === "queue") { select(sel + (k === "j" ? 1 : -1)); }
      else {
        const next = neighbour(k === "j" ? 1 : -1);
        if (next) { window.location.href = "/item/" + encodeURIComponent(next); }
      }
    }
    else if (k === "x" && page === "queue" && rows.length) {
      const box = rows[sel].querySelector("input.pick");
      if (box) { box.checked = !box.checked; countPicks(); }
    }
    else if ((k === "Enter" || k === "o") && page === "queue" && rows.length) {
      window.location.href = "/item/" + encodeURIComponent(currentId());
    }
    else { return; }
    ev.preventDefault();
  });
})();
