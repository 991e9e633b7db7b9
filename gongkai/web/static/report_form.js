// The yearly report form: as the officer types, the unsaved form is sent to /report/<year>/check,
// which runs `report check`'s own rules on it, and the answer is shown next to the cells and texts
// it names. No rule is repeated here. Messages are written with textContent only.
"use strict";

(function () {
  const form = document.getElementById("report-form");
  if (!form) { return; }
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const summary = document.getElementById("check-summary");
  let timer = null;
  let latest = 0;

  function listFor(anchor) {
    return document.querySelector('ul.problems[data-anchor="' + CSS.escape(anchor) + '"]') ||
      document.querySelector('ul.problems[data-anchor="general"]');
  }

  function show(result) {
    form.querySelectorAll(".bad").forEach(function (el) {
      el.classList.remove("bad");
      el.removeAttribute("aria-invalid");
    });
    document.querySelectorAll("ul.problems").forEach(function (ul) { ul.textContent = ""; });
    Object.keys(result.by_anchor).forEach(function (anchor) {
      const ul = listFor(anchor);
      result.by_anchor[anchor].forEach(function (p) {
        const li = document.createElement("li");
        li.className = p.severity;
        li.textContent = p.message;
        ul.appendChild(li);
        if (p.severity !== "error") { return; }
        p.fields.forEach(function (name) {
          const el = form.elements.namedItem(name);
          if (el && el.classList) {
            el.classList.add("bad");
            el.setAttribute("aria-invalid", "true");
          }
        });
      });
    });
    summary.textContent = "检查结果：" + result.errors + " 个错误，" + result.warnings + " 个提醒" +
      (result.errors ? "" : "，可以保存");
    summary.className = result.errors ? "has-errors" : "clean";
  }

  function check() {
    const mine = ++latest;
    fetch(form.dataset.checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRF-Token": csrf, "X-Requested-With": "fetch"},
      body: new FormData(form),
    }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(function (result) {
      if (mine === latest) { show(result); }   // an older answer must not overwrite a newer one
    }).catch(function () {
      summary.textContent = "实时检查暂不可用；保存时服务器仍会检查";
    });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  });
})();
