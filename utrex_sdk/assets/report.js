/* utrex-sdk HTML report: filters, sorting and paging over the findings carried in #data.
   Filters are kept in the address's fragment (#school=104&level=Err) so a view can be shared. */
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const C = {}; D.columns.forEach((name, i) => { C[name] = i; });
  const FILTERS = { school: C.school, record: C.record, level: C.level, error: C.error_id };
  const PAGE = 100;
  const form = document.getElementById("filters");
  const body = document.querySelector("#table tbody");
  const state = { sort: null, desc: false, page: 0 };
  let shown = D.rows;

  for (const [name, col] of Object.entries(FILTERS)) {
    const select = form.elements[name];
    const values = [...new Set(D.rows.map((r) => String(r[col])))].sort();
    for (const value of values) select.add(new Option(value === "" ? "(none)" : value, value));
  }

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const name of [...Object.keys(FILTERS), "q"]) form.elements[name].value = params.get(name) || "";
    state.sort = params.get("sort"); state.desc = params.get("dir") === "desc";
    state.page = Math.max(0, (parseInt(params.get("page"), 10) || 1) - 1);
  }

  function writeHash() {
    const params = new URLSearchParams();
    for (const name of [...Object.keys(FILTERS), "q"]) if (form.elements[name].value) params.set(name, form.elements[name].value);
    if (state.sort) { params.set("sort", state.sort); if (state.desc) params.set("dir", "desc"); }
    if (state.page) params.set("page", state.page + 1);
    history.replaceState(null, "", "#" + params.toString());
  }

  function apply() {
    const wanted = Object.entries(FILTERS).map(([name, col]) => [col, form.elements[name].value, form.elements[name].selectedIndex > 0]);
    const q = form.elements.q.value.trim().toLowerCase();
    shown = D.rows.filter((r) => wanted.every(([col, v, on]) => !on || String(r[col]) === v) &&
      (!q || [C.message, C.keys, C.value, C.field, C.source].some((c) => String(r[c]).toLowerCase().includes(q))));
    if (state.sort in C) {
      const col = C[state.sort], sign = state.desc ? -1 : 1;
      shown = shown.slice().sort((a, b) => sign * String(a[col]).localeCompare(String(b[col]), undefined, { numeric: true }));
    }
    document.querySelectorAll("#table th[data-col]").forEach((th) => {
      th.classList.toggle("asc", th.dataset.col === state.sort && !state.desc);
      th.classList.toggle("desc", th.dataset.col === state.sort && state.desc);
    });
    render();
  }

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    if (cls) td.className = cls;
    return td;
  }

  function render() {
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    const start = state.page * PAGE, rows = shown.slice(start, start + PAGE);
    const frag = document.createDocumentFragment();
    for (const r of rows) {
      const tr = document.createElement("tr");
      tr.dataset.row = "";
      tr.appendChild(cell(r[C.level] + (r[C.baseline] ? " (" + r[C.baseline] + ")" : ""), r[C.level]));
      const id = cell("", "id"); const a = document.createElement("a");
      a.textContent = r[C.error_id]; a.title = "the spec's rule"; a.dataset.explain = r[C.explain];
      id.appendChild(a); tr.appendChild(id);
      for (const name of ["message", "school", "record", "keys", "source", "field"]) tr.appendChild(cell(r[C[name]], name));
      tr.appendChild(cell(r[C.value], "value"));
      frag.appendChild(tr);
    }
    body.replaceChildren(frag);
    document.getElementById("shown").textContent = shown.length === D.rows.length
      ? `${shown.length.toLocaleString()} findings`
      : `${shown.length.toLocaleString()} of ${D.rows.length.toLocaleString()} findings match the filters`;
    document.getElementById("page").textContent = `page ${state.page + 1} of ${pages}`;
    document.getElementById("prev").disabled = state.page === 0;
    document.getElementById("next").disabled = state.page >= pages - 1;
    writeHash();
  }

  form.addEventListener("input", () => { state.page = 0; apply(); });
  document.getElementById("prev").addEventListener("click", () => { state.page -= 1; render(); });
  document.getElementById("next").addEventListener("click", () => { state.page += 1; render(); });
  document.querySelectorAll("#table th[data-col]").forEach((th) => th.addEventListener("click", () => {
    state.desc = state.sort === th.dataset.col ? !state.desc : false;
    state.sort = th.dataset.col; apply();
  }));
  body.addEventListener("click", (event) => {
    const a = event.target.closest("a[data-explain]");
    if (!a) return;
    const dialog = document.getElementById("rule");
    dialog.querySelector("pre").textContent = D.explain[+a.dataset.explain] || "No rule text for " + a.textContent;
    dialog.showModal();
  });
  window.addEventListener("hashchange", () => { readHash(); apply(); });
  readHash(); apply();
  document.body.dataset.readyMs = String(Math.round(performance.now()));  // open time, measured by the tests
})();
