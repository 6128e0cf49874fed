/* motsim studio: the what-if page of `motsim serve` (docs/studio.md).
 * Plain JavaScript, no build step; Chart.js 3 (global `Chart`) draws the charts. */
(function () {
  "use strict";

  const TOKEN = String(window.MOTSIM_TOKEN || new URLSearchParams(location.search).get("token") || "");
  const CLIENT = "studio-" + randomId(16);
  const DEBOUNCE_MS = 300;
  const POLL_MS = 100;
  const SHARES = new Set(["market_share", "awareness"]);
  const RATINGS = new Set(["rating", "satisfaction"]);
  const MAIN_KPIS = ["units", "net_revenue", "market_share", "refunds", "lost_customers", "rating", "profit"];
  const PALETTE = ["#2563eb", "#ea580c", "#059669", "#9333ea", "#db2777", "#0891b2", "#ca8a04", "#4b5563"];
  const BASE_COLOR = "#a3acb9";
  const VARIANT_COLOR = "#2563eb";
  const MOMENT_NAMES = {
    stimulus: "Stimulus", zmot: "ZMOT", fmot: "FMOT", smot: "SMOT", tmot: "TMOT",
    economics: "Costs", campaigns: "Campaigns", market: "Market",
  };
  const KPI_LABELS = {
    nps: "NPS", profit_pv: "profit (present value)", cost_of_goods: "cost of goods", lost_customer_value: "lost customer value",
  };

  const studio = (window.studio = {
    lastResult: null, lastRunId: null, lastRequest: null, ready: false, clientId: CLIENT,
  });

  const state = {
    scenario: null,        // the levers answer in use
    leversCache: {},       // scenario name -> levers answer
    levers: [],            // flat list of {lever, el, row, group}
    extraChanges: {},      // changes of a loaded run that no control shows
    settingsTouched: false,
    runSeq: 0,             // increases with every run started: older answers are ignored
    currentRunId: null,
    pollTimer: null,
    debounceTimer: null,
    runStarted: 0,
    product: null,         // the product chosen in #product (a name or "all"), null = automatic
    charts: {},
  };

  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  function randomId(n) {
    const chars = "abcdefghijklmnopqrstuvwxyz0123456789";
    const bytes = new Uint8Array(n);
    (window.crypto || {}).getRandomValues ? crypto.getRandomValues(bytes)
      : bytes.forEach((_, i) => { bytes[i] = Math.floor(Math.random() * 256); });
    return Array.from(bytes, (b) => chars[b % chars.length]).join("");
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function withToken(path) {
    return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(TOKEN);
  }

  /* ---------- the HTTP API ---------- */

  async function api(method, path, body) {
    const headers = { Authorization: "token " + TOKEN };
    const init = { method, headers, cache: "no-store" };
    if (method === "POST") {
      headers["X-Motsim-Client"] = CLIENT;
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body === undefined ? {} : body);
    }
    let resp;
    try {
      resp = await fetch(path, init);
    } catch (e) {
      return { ok: false, status: 0, data: { error: "the server does not answer (is motsim serve still running?)" } };
    }
    const text = await resp.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = { error: text.trim() || resp.statusText };
    }
    if (!resp.ok) {
      if (!data || typeof data !== "object") data = { error: String(data) };
      if (!data.error) data.error = resp.status + " " + resp.statusText;
      if (resp.status === 401) data.error = "the access token was refused: open the address that motsim serve printed";
    }
    return { ok: resp.ok, status: resp.status, data };
  }

  /* ---------- formatting ---------- */

  const NF0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  const isNum = (v) => typeof v === "number" && Number.isFinite(v);
  const MINUS = "\u2212";

  function fmtNum(v) {
    if (!isNum(v)) return "\u2013";
    const a = Math.abs(v);
    let s;
    if (a >= 1e9) s = (v / 1e9).toFixed(2) + " bn";
    else if (a >= 1e6) s = (v / 1e6).toFixed(a >= 1e8 ? 0 : a >= 1e7 ? 1 : 2) + " M";
    else if (a >= 100) s = NF0.format(v);
    else if (a >= 10) s = v.toFixed(1);
    else if (a >= 0.1) s = v.toFixed(2);
    else if (a === 0) s = "0";
    else s = v.toPrecision(2);
    return s.replace("-", MINUS);
  }

  function signed(s, v) {
    return (v > 0 ? "+" : "") + s;
  }

  function fmtKpi(name, v) {
    if (!isNum(v)) return "\u2013";
    if (SHARES.has(name)) return (100 * v).toFixed(1) + " %";
    if (RATINGS.has(name)) return v.toFixed(2);
    if (name === "nps") return v.toFixed(1).replace("-", MINUS);
    return fmtNum(v);
  }

  function fmtDiff(name, d, ci) {
    if (!isNum(d)) return "\u2013";
    const pm = isNum(ci) ? " \u00b1 " : "";
    if (SHARES.has(name)) {
      return signed((100 * d).toFixed(1).replace("-", MINUS), d) + (pm && pm + (100 * ci).toFixed(1)) + " pts";
    }
    if (RATINGS.has(name)) return signed(d.toFixed(2).replace("-", MINUS), d) + (pm && pm + ci.toFixed(2));
    if (name === "nps") return signed(d.toFixed(1).replace("-", MINUS), d) + (pm && pm + ci.toFixed(1));
    return signed(fmtNum(d), d) + (pm && pm + fmtNum(ci));
  }

  function fmtRelative(r) {
    if (!isNum(r)) return "";
    const p = 100 * r;
    const s = Math.abs(p) >= 100 ? p.toFixed(0) : Math.abs(p) >= 10 ? p.toFixed(1) : p.toFixed(2);
    return signed(s.replace("-", MINUS), p) + " %";
  }

  function fmtValue(v) {
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (!isNum(v)) return v === null || v === undefined ? "" : String(v);
    if (v !== 0 && (Math.abs(v) >= 1e7 || Math.abs(v) < 1e-4)) return v.toExponential(3).replace(/\.?0+e/, "e");
    return String(Number(v.toPrecision(6)));
  }

  function fmtBound(v) {
    if (!isNum(v)) return "";
    if (Math.abs(v) >= 1e6) {
      const [m, e] = v.toExponential().split("e");
      return Number(Number(m).toPrecision(3)) + "e" + Number(e);
    }
    return String(Number(v.toPrecision(6)));
  }

  function prettyName(name) {
    const s = KPI_LABELS[name] || String(name).replace(/_/g, " ");
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function firstSentence(doc) {
    const s = String(doc || "").trim();
    const m = s.match(/^(.+?[.!?])(\s|$)/);
    return m ? m[1] : s;
  }

  function fmtSeconds(s) {
    if (!isNum(s)) return "";
    return s < 10 ? s.toFixed(1) + " s" : s < 120 ? s.toFixed(0) + " s" : (s / 60).toFixed(1) + " min";
  }

  function fmtTime(created) {
    if (created === null || created === undefined || created === "") return "";
    let d;
    if (typeof created === "number") d = new Date(created < 1e12 ? created * 1000 : created);
    else d = new Date(created);
    if (isNaN(d.getTime())) return String(created);
    const today = new Date();
    return d.toDateString() === today.toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
  }

  function changesText(changes) {
    if (!changes) return "";
    const list = Array.isArray(changes)
      ? changes.map((c) => (c && typeof c === "object" ? [c.key, "variant" in c ? c.variant : c.value] : [c, ""]))
      : Object.entries(changes);
    if (!list.length) return "no change";
    return list.map(([k, v]) => k + " = " + fmtValue(v)).join(", ");
  }

  /* ---------- status ---------- */

  function setStatus(st, text, done, total) {
    const s = $("#status");
    s.dataset.state = st;
    s.textContent = text;
    s.title = text;
    const p = $("#progress");
    if (isNum(total) && total > 0) {
      p.max = total;
      p.value = Math.min(done || 0, total);
    } else {
      p.max = 1;
      p.value = st === "done" ? 1 : 0;
    }
    p.dataset.state = st;
  }

  function setStale(on, badge) {
    const r = $("#results");
    r.classList.toggle("stale", !!on);
    $(".stale-badge", r).textContent = badge || "updating\u2026";
  }

  /* ---------- levers ---------- */

  function leverNumber(lv) {
    return lv.kind === "real" || lv.kind === "int";
  }

  function hasSlider(lv) {
    return leverNumber(lv) && isNum(lv.min) && isNum(lv.max) && lv.max > lv.min &&
      (lv.kind === "real" || lv.max - lv.min <= 400) && lv.max - lv.min <= 1000;
  }

  function sliderStep(lv) {
    if (lv.kind === "int") return 1;
    const raw = (lv.max - lv.min) / 200;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) || raw;
  }

  function renderLevers(ans) {
    const box = $("#levers");
    box.replaceChildren();
    state.levers = [];
    const moments = [];
    const byMoment = new Map();
    for (const g of ans.groups || []) {
      if (!byMoment.has(g.moment)) {
        byMoment.set(g.moment, []);
        moments.push(g.moment);
      }
      byMoment.get(g.moment).push(g);
    }
    let n = 0;
    for (const moment of moments) {
      const groups = byMoment.get(moment);
      const title = groups[0].title || MOMENT_NAMES[moment] || moment;
      const count = groups.reduce((a, g) => a + (g.levers || []).length, 0);
      const sec = el("details", { class: "moment", "data-moment": moment, open: true },
        el("summary", {}, el("span", { class: "moment-tag moment-" + moment, text: MOMENT_NAMES[moment] || moment }),
          el("span", { class: "moment-title", text: title.replace(/^[^:]*:\s*/, "") || title }),
          el("span", { class: "count", text: String(count) })));
      for (const g of groups) {
        const levers = g.levers || [];
        if (!levers.length) continue;
        // Market-wide groups start open, unless they are long (the model's constants); products' start closed.
        const open = !g.product && moment !== "market" && levers.length <= 10;
        const sub = el("details", { class: "group", "data-product": g.product === null || g.product === undefined ? "" : g.product, open },
          el("summary", {}, el("span", { class: "group-name", text: g.product || "Market" }),
            g.title && g.title !== title ? el("span", { class: "group-title", text: g.title }) : null,
            el("span", { class: "count", text: String(levers.length) })));
        const body = el("div", { class: "group-body" });
        for (const lv of levers) body.append(renderLever(lv, sub, n++));
        sub.append(body);
        sec.append(sub);
      }
      box.append(sec);
    }
    if (!n) box.append(el("p", { class: "hint", text: "This scenario has no levers." }));
    updateChangedMarks();
  }

  function renderLever(lv, group, n) {
    const id = "lever-" + n;
    const key = lv.key;
    let control, slider = null;
    const valueSpan = el("span", { class: "lever-value" });
    if (lv.kind === "bool") {
      control = el("input", { type: "checkbox", id, class: "lever-control", "data-key": key, "data-kind": lv.kind });
      control.checked = !!lv.value;
    } else if (lv.kind === "choice") {
      control = el("select", { id, class: "lever-control", "data-key": key, "data-kind": lv.kind },
        (lv.choices || []).map((c) => el("option", { value: c, text: c })));
      if (!(lv.choices || []).includes(lv.value)) control.append(el("option", { value: lv.value, text: lv.value }));
      control.value = lv.value;
    } else {
      control = el("input", {
        type: "number", id, class: "lever-control", "data-key": key, "data-kind": lv.kind || "real",
        step: lv.kind === "int" ? 1 : "any", min: isNum(lv.min) ? lv.min : null, max: isNum(lv.max) ? lv.max : null,
      });
      control.value = fmtValue(lv.value);
      if (hasSlider(lv)) {
        slider = el("input", {
          type: "range", class: "lever-slider", "data-for": key, "aria-label": lv.label + " (slider)",
          min: lv.min, max: lv.max, step: sliderStep(lv), tabindex: -1,
        });
        slider.value = lv.value;
      }
    }
    let range = "";
    if (leverNumber(lv)) {
      if (isNum(lv.min) && isNum(lv.max)) range = fmtBound(lv.min) + " \u2013 " + fmtBound(lv.max);
      else if (isNum(lv.min)) range = "\u2265 " + fmtBound(lv.min);
      else if (isNum(lv.max)) range = "\u2264 " + fmtBound(lv.max);
      if (lv.kind === "int") range += (range ? ", " : "") + "whole numbers";
    } else if (lv.kind === "choice") range = (lv.choices || []).length + " choices";
    const baseSpan = el("span", { class: "lever-base" });
    const row = el("div", { class: "lever lever-" + (lv.kind || "real"), "data-lever": key },
      el("div", { class: "lever-head" },
        el("label", { for: id, class: "lever-label", text: String(lv.label || key).replace(/_/g, " "), title: key }),
        leverNumber(lv) ? valueSpan : null),
      el("div", { class: "lever-input" }, control, slider),
      el("div", { class: "lever-meta" }, range ? el("span", { class: "lever-range", text: range }) : null, baseSpan),
      lv.doc ? el("div", { class: "lever-doc", title: lv.doc, text: firstSentence(lv.doc) }) : null,
      el("div", { class: "lever-error", "data-key": key, role: "alert" }));
    const item = { lever: lv, el: control, slider, row, group, valueSpan, baseSpan };
    state.levers.push(item);
    const onInput = (fromSlider) => {
      if (fromSlider && slider) control.value = slider.value;
      else if (slider && control.value !== "" && isNum(Number(control.value))) slider.value = control.value;
      clearError(key);
      updateChangedMarks();
      revealLever(item);
      scheduleRun();
    };
    control.addEventListener("input", () => onInput(false));
    if (lv.kind === "bool" || lv.kind === "choice") control.addEventListener("change", () => onInput(false));
    if (slider) slider.addEventListener("input", () => onInput(true));
    return row;
  }

  function readLever(item) {
    const lv = item.lever, c = item.el;
    if (lv.kind === "bool") return { value: c.checked };
    if (lv.kind === "choice") return { value: c.value };
    const raw = String(c.value).trim();
    const v = Number(raw);
    if (raw === "" || !Number.isFinite(v)) return { error: "enter a number" + (isNum(lv.min) && isNum(lv.max) ? " from " + fmtBound(lv.min) + " to " + fmtBound(lv.max) : "") };
    return { value: v };
  }

  function sameValue(a, b) {
    if (isNum(a) && isNum(b)) return a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
    return a === b;
  }

  function updateChangedMarks() {
    let changed = Object.keys(state.extraChanges).length;
    for (const item of state.levers) {
      const r = readLever(item);
      const isChanged = !r.error && !sameValue(r.value, item.lever.value);
      item.row.classList.toggle("changed", isChanged);
      if (item.valueSpan) item.valueSpan.textContent = r.error ? "" : fmtValue(r.value);
      item.baseSpan.textContent = isChanged ? "scenario: " + fmtValue(item.lever.value) : "";
      if (isChanged) changed++;
    }
    for (const g of $$("#levers details.group")) {
      g.classList.toggle("has-changes", !!$(".lever.changed", g));
    }
    const pill = $("#changed-count");
    pill.textContent = changed === 0 ? "no change" : changed === 1 ? "1 change" : changed + " changes";
    pill.classList.toggle("active", changed > 0);
  }

  function setLeverValue(item, v) {
    const lv = item.lever;
    if (lv.kind === "bool") item.el.checked = !!v;
    else if (lv.kind === "choice") {
      if (![...item.el.options].some((o) => o.value === v)) item.el.append(el("option", { value: v, text: v }));
      item.el.value = v;
    } else {
      item.el.value = fmtValue(v);
      if (item.slider) item.slider.value = v;
    }
  }

  function revealLever(item) {
    for (let d = item.row.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
  }

  /* ---------- errors ---------- */

  function errorBox(key) {
    return $$(".lever-error").find((e) => e.dataset.key === key) || null;
  }

  function controlFor(key) {
    if (key === "agents" || key === "days" || key === "replicates") return $("#" + key);
    const item = state.levers.find((i) => i.lever.key === key);
    return item ? item.el : null;
  }

  function showError(key, message) {
    const box = key ? errorBox(key) : null;
    if (!box) return false;
    box.textContent = message;
    const c = controlFor(key);
    if (c) c.classList.add("invalid");
    const item = state.levers.find((i) => i.lever.key === key);
    if (item) {
      item.row.classList.add("has-error");
      revealLever(item);
    }
    return true;
  }

  function clearError(key) {
    const box = errorBox(key);
    if (box) box.textContent = "";
    const c = controlFor(key);
    if (c) c.classList.remove("invalid");
    const item = state.levers.find((i) => i.lever.key === key);
    if (item) item.row.classList.remove("has-error");
  }

  function clearAllErrors() {
    for (const b of $$(".lever-error")) b.textContent = "";
    for (const c of $$(".invalid")) c.classList.remove("invalid");
    for (const r of $$(".lever.has-error")) r.classList.remove("has-error");
  }

  /* ---------- run settings ---------- */

  function applySettings(ans, force) {
    const lim = ans.limits || {};
    const set = (id, v, max) => {
      const i = $("#" + id);
      if (isNum(max)) i.max = max; else i.removeAttribute("max");
      if ((force || !state.settingsTouched || i.value === "") && isNum(v)) i.value = v;
    };
    set("agents", ans.agents, lim.max_agents);
    set("days", ans.days, lim.max_days);
    set("replicates", ans.replicates, lim.max_replicates);
    const parts = [];
    if (isNum(lim.max_agents)) parts.push("up to " + NF0.format(lim.max_agents) + " agents");
    if (isNum(lim.max_days)) parts.push(NF0.format(lim.max_days) + " days");
    if (isNum(lim.max_replicates)) parts.push(NF0.format(lim.max_replicates) + " replicates");
    let hint = parts.length ? parts.join(", ") : "";
    if (isNum(lim.max_agent_days)) hint += (hint ? "; " : "") + "agents \u00d7 days at most " + fmtNum(lim.max_agent_days);
    const def = [ans.agents, ans.days, ans.replicates].every(isNum)
      ? "Scenario: " + NF0.format(ans.agents) + " agents \u00d7 " + NF0.format(ans.days) + " days, " + ans.replicates + " replicates. " : "";
    $("#limits").textContent = def + (hint ? "Limits: " + hint + "." : "");
  }

  function readSetting(id) {
    const raw = String($("#" + id).value).trim();
    const v = Number(raw);
    if (raw === "" || !Number.isInteger(v) || v < 1) return { error: "enter a whole number of at least 1" };
    return { value: v };
  }

  /* ---------- scenarios ---------- */

  async function loadLibrary() {
    const r = await api("GET", "/api/scenarios");
    const sel = $("#scenario");
    sel.replaceChildren();
    if (!r.ok) {
      setStatus("failed", "could not read the scenario library: " + r.data.error);
      return null;
    }
    for (const s of r.data.scenarios || []) {
      sel.append(el("option", { value: s.name, title: s.question || "", text: s.title ? s.name + " \u2014 " + s.title : s.name }));
    }
    return r.data.default || (r.data.scenarios && r.data.scenarios[0] && r.data.scenarios[0].name) || null;
  }

  function ensureOption(name, label) {
    const sel = $("#scenario");
    let opt = [...sel.options].find((o) => o.value === name);
    if (!opt) {
      opt = el("option", { value: name, text: label || name });
      sel.append(opt);
    }
    sel.value = name;
  }

  async function fetchLevers(name) {
    if (state.leversCache[name]) return { ok: true, data: state.leversCache[name] };
    const r = await api("GET", "/api/levers?scenario=" + encodeURIComponent(name));
    if (r.ok) state.leversCache[name] = r.data;
    return r;
  }

  function useLevers(ans) {
    state.scenario = ans;
    state.extraChanges = {};
    ensureOption(ans.scenario);
    $("#scenario-title").textContent = ans.title || ans.scenario;
    $("#scenario-question").textContent = ans.question || "";
    document.title = "motsim studio \u2014 " + (ans.title || ans.scenario);
    renderLevers(ans);
    applySettings(ans, false);
    renderProductChooser(ans.products || []);
    clearAllErrors();
  }

  async function switchScenario(name) {
    cancelPending();
    setStatus("running", "loading " + name + "\u2026");
    const r = await fetchLevers(name);
    if (!r.ok) {
      setStatus("failed", "could not load the levers of " + name + ": " + r.data.error);
      return;
    }
    useLevers(r.data);
    startRun();
  }

  async function onUpload() {
    const input = $("#upload");
    const file = input.files && input.files[0];
    const errBox = $("#upload-error");
    errBox.textContent = "";
    if (!file) return;
    let text;
    try {
      text = await file.text();
    } catch (e) {
      errBox.textContent = "could not read " + file.name;
      return;
    }
    setStatus("running", "checking " + file.name + "\u2026");
    const r = await api("POST", "/api/upload", { name: file.name, toml: text });
    input.value = "";
    if (!r.ok) {
      errBox.textContent = r.data.error;
      setStatus("failed", file.name + " was refused: " + r.data.error);
      return;
    }
    const ans = r.data;
    state.leversCache[ans.scenario] = ans;
    cancelPending();
    ensureOption(ans.scenario, ans.scenario + " \u2014 " + file.name + (ans.title ? ": " + ans.title : ""));
    useLevers(ans);
    startRun();
  }

  /* ---------- runs ---------- */

  function buildRequest(attribute) {
    const changes = {};
    let bad = false;
    for (const item of state.levers) {
      const r = readLever(item);
      if (r.error) {
        showError(item.lever.key, r.error);
        bad = true;
      } else if (!sameValue(r.value, item.lever.value)) {
        changes[item.lever.key] = r.value;
      }
    }
    for (const [k, v] of Object.entries(state.extraChanges)) if (!(k in changes)) changes[k] = v;
    const req = { scenario: state.scenario.scenario, changes };
    for (const id of ["agents", "days", "replicates"]) {
      const r = readSetting(id);
      if (r.error) {
        showError(id, r.error);
        bad = true;
      } else req[id] = r.value;
    }
    req.attribute = !!attribute;
    return bad ? null : req;
  }

  function scheduleRun() {
    clearTimeout(state.debounceTimer);
    state.debounceTimer = setTimeout(() => startRun(), DEBOUNCE_MS);
  }

  function cancelPending() {
    clearTimeout(state.debounceTimer);
    clearTimeout(state.pollTimer);
    state.runSeq++;
  }

  async function startRun(req) {
    clearTimeout(state.debounceTimer);
    clearTimeout(state.pollTimer);
    const seq = ++state.runSeq;
    if (!state.scenario) return;
    if (!req) req = buildRequest(false);
    if (!req) {
      setStatus("failed", "not run: correct the value marked in red");
      setStale(!!studio.lastResult, "out of date");
      return;
    }
    setStatus("running", req.attribute ? "starting the attribution\u2026" : "starting\u2026");
    setStale(!!studio.lastResult);
    const r = await api("POST", "/api/runs", req);
    if (seq !== state.runSeq) {
      // Superseded while the request was on its way: make sure it does not run for nothing.
      if (r.ok && r.data && r.data.id !== undefined) api("POST", "/api/runs/" + encodeURIComponent(r.data.id) + "/cancel");
      return;
    }
    if (!r.ok) {
      const msg = r.data.error || "refused";
      const shown = r.data.key ? showError(r.data.key, msg) : false;
      setStatus("failed", (r.status === 429 ? "not run, the queue is full: " : "not run: ") + msg);
      if (r.data.key && !shown) $("#status").textContent += " (" + r.data.key + ")";
      setStale(!!studio.lastResult, "out of date");
      return;
    }
    clearAllErrors();
    state.currentRunId = r.data.id;
    state.runStarted = performance.now();
    poll(seq, r.data.id, req, 0);
  }

  async function poll(seq, id, req, failures) {
    if (seq !== state.runSeq) return;
    const r = await api("GET", "/api/runs/" + encodeURIComponent(id));
    if (seq !== state.runSeq) return;
    if (!r.ok) {
      if (r.status === 0 && failures < 8) {
        state.pollTimer = setTimeout(() => poll(seq, id, req, failures + 1), 1000);
        return;
      }
      setStatus("failed", "run " + id + ": " + r.data.error);
      setStale(!!studio.lastResult, "failed");
      return;
    }
    const run = r.data;
    if (run.state === "queued" || run.state === "running") {
      const elapsed = (performance.now() - state.runStarted) / 1000;
      const text = run.state === "queued"
        ? "queued\u2026"
        : "running: " + (run.done || 0) + " of " + (run.total || "?") + " simulations" + (elapsed >= 1 ? " (" + fmtSeconds(elapsed) + ")" : "");
      setStatus("running", text, run.done, run.total);
      state.pollTimer = setTimeout(() => poll(seq, id, req, 0), POLL_MS);
      return;
    }
    finishRun(run, req);
  }

  function finishRun(run, req, note) {
    const id = run.id;
    if (run.state === "done" && run.result) {
      const res = run.result;
      studio.lastResult = res;
      studio.lastRunId = id;
      studio.lastRequest = run.request || req;
      renderResult(res);
      setStale(false);
      const pick = (name) => (isNum(res[name]) && res[name] > 0 ? res[name] : studio.lastRequest[name]);
      const agents = pick("agents"), days = pick("days"), reps = pick("replicates");
      setStatus("done", "done in " + (fmtSeconds(res.seconds) || "?") + " (" + reps + " replicate" + (reps === 1 ? "" : "s") + ", " +
        NF0.format(agents) + " agents x " + NF0.format(days) + " days)" + (note || ""), run.total || 1, run.total || 1);
      updateLinks(id);
      const url = new URL(location.href);
      url.searchParams.set("run", id);
      history.replaceState(null, "", url.pathname + url.search);
    } else if (run.state === "failed") {
      setStatus("failed", "run " + id + " failed: " + (run.error || "no message"));
      setStale(!!studio.lastResult, "failed");
    } else if (run.state === "cancelled") {
      setStatus("idle", "run " + id + " was cancelled");
      setStale(!!studio.lastResult, "out of date");
    } else {
      setStatus("failed", "run " + id + ": unexpected state " + run.state);
    }
    refreshHistory();
  }

  function updateLinks(id) {
    const base = "/api/runs/" + encodeURIComponent(id) + "/";
    for (const [sel, file] of [["#save", "scenario.toml"], ["#download-h5", "compare.h5"], ["#download-csv", "kpis.csv"]]) {
      const a = $(sel);
      a.href = withToken(base + file);
      a.classList.remove("disabled");
      a.removeAttribute("aria-disabled");
    }
    $("#export-report").disabled = false;
    const req = studio.lastRequest || {};
    const n = req.changes ? Object.keys(req.changes).length : 0;
    const att = $("#attribute");
    att.disabled = n === 0;
    att.title = n === 0 ? "change a lever first: there is nothing to attribute" : "";
  }

  /* ---------- results ---------- */

  function columnOf(res, product) {
    if (product === "all") return res.products.length;
    const k = res.products.indexOf(product);
    return k < 0 ? res.products.length : k;
  }

  function kpiMap(res) {
    const m = {};
    for (const k of res.kpis || []) m[k.name] = k;
    return m;
  }

  function at(arr, k) {
    return Array.isArray(arr) && k < arr.length ? arr[k] : null;
  }

  function tone(kpi, k) {
    const d = at(kpi.diff && kpi.diff.mean, k);
    const sig = at(kpi.diff && kpi.diff.significant, k);
    if (!sig || !kpi.good || !isNum(d) || d === 0) return "neutral";
    return kpi.good * d > 0 ? "good" : "bad";
  }

  function chosenProduct(res) {
    const opts = ["all"].concat(res.products || []);
    if (state.product && opts.includes(state.product)) return state.product;
    const focus = res.focus || [];
    return focus.length === 1 ? focus[0] : "all";
  }

  function renderProductChooser(products) {
    const sel = $("#product");
    const keep = sel.value;
    sel.replaceChildren(el("option", { value: "all", text: "all products" }), ...products.map((p) => el("option", { value: p, text: p })));
    if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
  }

  function renderResult(res) {
    const products = res.products || [];
    const sel = $("#product");
    if ([...sel.options].map((o) => o.value).join() !== ["all"].concat(products).join()) renderProductChooser(products);
    sel.value = chosenProduct(res);
    renderChanges(res);
    renderHeadline(res);
    renderKpis(res);
    applyProduct(res);
  }

  function renderChanges(res) {
    const box = $("#changes-summary");
    box.replaceChildren();
    const changes = res.changes || [];
    if (!changes.length) {
      box.append(el("span", { class: "muted", text: "the scenario against itself: change a lever to see its effect" }));
      return;
    }
    for (const c of changes) {
      box.append(el("span", { class: "change-chip", title: c.key },
        el("b", { text: c.key }), " ", String(c.base), " \u2192 ", String(c.variant)));
    }
  }

  function metricRow(label, valueText, diffText, cls, title) {
    return el("div", { class: "metric", title: title || null },
      el("div", { class: "metric-label", text: label }),
      el("div", { class: "metric-value", text: valueText }),
      el("div", { class: "metric-diff " + (cls || "neutral"), text: diffText }));
  }

  function renderHeadline(res) {
    const box = $("#headline");
    box.replaceChildren();
    const km = kpiMap(res);
    const products = res.products || [];
    const focus = (res.focus && res.focus.length ? res.focus : products).filter((p) => products.includes(p));
    const eco = res.economics || {};
    for (const p of focus) {
      const k = products.indexOf(p);
      const card = el("div", { class: "headline-card", "data-product": p },
        el("div", { class: "headline-name" }, el("span", { class: "swatch", style: "background:" + PALETTE[k % PALETTE.length] }), p));
      const kpiRow = (name, label) => {
        const kp = km[name];
        if (!kp) return null;
        const v = at(kp.variant.mean, k), ci = at(kp.variant.ci95, k);
        const valueText = fmtKpi(name, v) + (isNum(ci) && isNum(v) ? " \u00b1 " + (SHARES.has(name) ? (100 * ci).toFixed(1) + " %" : RATINGS.has(name) ? ci.toFixed(2) : fmtNum(ci)) : "");
        const d = at(kp.diff.mean, k);
        const diffText = isNum(d) ? fmtDiff(name, d, at(kp.diff.ci95, k)) + " vs base" : "";
        return metricRow(label, valueText, diffText, tone(kp, k), kp.description);
      };
      card.append(kpiRow("profit", "profit"));
      const roi = at(eco.roi, k);
      const pay = at(eco.payback_day, k);
      card.append(metricRow("ROI", isNum(roi) ? roi.toFixed(2) + "\u00d7" : "n/a",
        isNum(pay) ? "pays back from day " + Math.round(pay) : (isNum(roi) ? "does not pay back in the run" : "no extra spend"),
        isNum(roi) ? (roi > 0 ? "good" : roi < 0 ? "bad" : "neutral") : "neutral",
        "incremental profit / incremental discretionary spend"));
      card.append(kpiRow("market_share", "market share"));
      card.append(kpiRow("rating", "rating"));
      box.append(card);
    }
    if (!focus.length) box.append(el("p", { class: "hint", text: "No product in the result." }));
  }

  function renderKpis(res) {
    const box = $("#kpis");
    box.replaceChildren();
    const cols = (res.products || []).concat(["all"]);
    for (const kp of res.kpis || []) {
      cols.forEach((p, k) => {
        const d = at(kp.diff.mean, k);
        const sig = !!at(kp.diff.significant, k);
        const ci = at(kp.diff.ci95, k);
        const t = tone(kp, k);
        const card = el("div", {
          class: "kpi " + t, "data-kpi": kp.name, "data-product": p,
          "data-diff": isNum(d) ? String(d) : "NaN", "data-significant": sig ? "true" : "false",
          title: (kp.description || kp.name) + (sig ? "" : " \u2014 the difference is not significant at 95 %"),
        },
        el("div", { class: "kpi-name", text: prettyName(kp.name) }),
        el("div", { class: "kpi-diff" }, el("span", { text: fmtDiff(kp.name, d, ci) }),
          el("span", { class: "kpi-rel", text: fmtRelative(at(kp.diff.relative, k)) })),
        el("div", { class: "kpi-values" },
          el("span", {}, el("small", { text: "base " }), fmtKpi(kp.name, at(kp.base.mean, k))),
          el("span", {}, el("small", { text: "variant " }), fmtKpi(kp.name, at(kp.variant.mean, k)))));
        box.append(card);
      });
    }
  }

  function applyProduct(res) {
    if (!res) return;
    const p = $("#product").value || "all";
    for (const c of $$("#kpis .kpi")) c.classList.toggle("hidden", c.dataset.product !== p);
    const label = p === "all" ? "(all products)" : "(" + p + ")";
    $("#funnel-product").textContent = label;
    $("#stars-product").textContent = label;
    drawCharts(res, p);
    renderAttribution(res, p);
  }

  /* ---------- charts ---------- */

  function chart(id, config) {
    if (state.charts[id]) state.charts[id].destroy();
    const canvas = document.getElementById(id);
    if (typeof Chart === "undefined") return null;
    state.charts[id] = new Chart(canvas, config);
    return state.charts[id];
  }

  function commonOptions(extra) {
    const o = {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: "bottom", labels: { boxWidth: 14, font: { size: 11 } } } },
    };
    return Object.assign(o, extra || {});
  }

  function wrapWords(text, width) {
    const lines = [];
    for (const w of String(text || "").split(/\s+/)) {
      if (lines.length && (lines[lines.length - 1] + " " + w).length <= width) lines[lines.length - 1] += " " + w;
      else lines.push(w);
    }
    return lines;
  }

  function rolling(x, w) {
    const out = new Array(x.length);
    let sum = 0, n = 0;
    const q = [];
    for (let i = 0; i < x.length; i++) {
      const v = isNum(x[i]) ? x[i] : null;
      q.push(v);
      if (v !== null) { sum += v; n++; }
      if (q.length > w) {
        const o = q.shift();
        if (o !== null) { sum -= o; n--; }
      }
      out[i] = n ? sum / n : null;
    }
    return out;
  }

  function seriesDatasets(res, name, smooth) {
    const s = res.series || {};
    const products = res.products || [];
    const sets = [];
    const base = s.base && s.base[name], variant = s.variant && s.variant[name];
    if (!base && !variant) return { labels: [], sets };
    const days = (variant || base).length;
    products.forEach((p, k) => {
      const color = PALETTE[k % PALETTE.length];
      const col = (m) => (m ? m.map((row) => (Array.isArray(row) ? row[k] : null)) : []);
      const prep = (a) => (smooth ? rolling(a, 7) : a.map((v) => (isNum(v) ? v : null)));
      if (base) sets.push({ label: p + " (base)", data: prep(col(base)), borderColor: color, backgroundColor: color,
        borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, spanGaps: true, order: 2 });
      if (variant) sets.push({ label: p, data: prep(col(variant)), borderColor: color, backgroundColor: color,
        borderWidth: 2.2, pointRadius: 0, spanGaps: true, order: 1 });
    });
    const labels = Array.from({ length: days }, (_, i) => i);
    return { labels, sets };
  }

  function dayStep(days) {
    return days <= 21 ? 1 : days <= 70 ? 7 : days <= 200 ? 30 : days <= 400 ? 60 : days <= 1100 ? 180 : 365;
  }

  function lineOptions(yTitle, days) {
    const step = dayStep(days);
    return commonOptions({
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { title: { display: true, text: "day" }, grid: { display: false },
          ticks: { autoSkip: false, maxRotation: 0, callback: (v, i) => (i % step === 0 ? String(i) : null) } },
        y: { title: { display: true, text: yTitle }, beginAtZero: false },
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 18, font: { size: 11 }, filter: (item) => !/ \(base\)$/.test(item.text) } },
        tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + (isNum(c.parsed.y) ? Number(c.parsed.y.toPrecision(4)) : "\u2013") } },
      },
    });
  }

  function drawCharts(res, product) {
    const k = columnOf(res, product);
    const K = (res.products || []).length;
    // Funnel
    const f = res.funnel || {};
    const stages = f.stages || [];
    chart("chart-funnel", {
      type: "bar",
      data: {
        labels: stages.map((s) => wrapWords(s.label, 13).concat([MOMENT_NAMES[s.moment] || s.moment || ""])),
        datasets: [
          { label: "base", data: (f.base || []).map((r) => at(r, k)), backgroundColor: BASE_COLOR },
          { label: "variant", data: (f.variant || []).map((r) => at(r, k)), backgroundColor: VARIANT_COLOR },
        ],
      },
      options: commonOptions({
        scales: { y: { beginAtZero: true, ticks: { callback: (v) => fmtNum(v) } },
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkip: false, font: { size: 11 } } } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 14 } },
          tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + fmtNum(c.parsed.y) } } },
      }),
    });
    // Stars
    const st = res.stars || {};
    const hist = (side) => {
      const d = st[side] && st[side].displayed;
      if (!Array.isArray(d)) return [];
      if (k < K) return (d[k] || []).map((v) => (isNum(v) ? v : 0));
      const sum = [0, 0, 0, 0, 0];
      for (const row of d) (row || []).forEach((v, i) => { if (isNum(v)) sum[i] += v; });
      return sum;
    };
    chart("chart-stars", {
      type: "bar",
      data: {
        labels: ["1 \u2605", "2 \u2605", "3 \u2605", "4 \u2605", "5 \u2605"],
        datasets: [
          { label: "base", data: hist("base"), backgroundColor: BASE_COLOR },
          { label: "variant", data: hist("variant"), backgroundColor: VARIANT_COLOR },
        ],
      },
      options: commonOptions({
        scales: { y: { beginAtZero: true, title: { display: true, text: "reviews displayed at the end" }, ticks: { callback: (v) => fmtNum(v) } },
          x: { grid: { display: false } } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 14 } },
          tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + fmtNum(c.parsed.y) } } },
      }),
    });
    // Daily series
    const sales = seriesDatasets(res, "purchases", true);
    chart("chart-sales", { type: "line", data: { labels: sales.labels, datasets: sales.sets }, options: lineOptions("purchases per day", sales.labels.length) });
    const rating = seriesDatasets(res, "rating_mean", false);
    chart("chart-rating", { type: "line", data: { labels: rating.labels, datasets: rating.sets }, options: lineOptions("stars", rating.labels.length) });
  }

  /* ---------- attribution ---------- */

  function renderAttribution(res, product) {
    const box = $("#attribution");
    const att = res.attribution;
    box.replaceChildren();
    if (!att || !Array.isArray(att.levers) || !att.levers.length) {
      box.classList.add("hidden");
      $("#attribution-hint").classList.remove("hidden");
      return;
    }
    $("#attribution-hint").classList.add("hidden");
    box.classList.remove("hidden");
    const k = columnOf(res, product);
    const names = att.kpis || [];
    let cols = MAIN_KPIS.map((n) => names.indexOf(n)).filter((j) => j >= 0);
    if (!cols.length) cols = names.slice(0, 6).map((_, j) => j);
    const phi = (i, j) => at(at(at(att.shapley, i), j), k);
    const total = (j) => att.levers.reduce((a, _, i) => a + (isNum(phi(i, j)) ? phi(i, j) : 0), 0);
    const head = el("tr", {}, el("th", { text: "lever" }), cols.map((j) => el("th", { text: prettyName(names[j]) })));
    const rows = att.levers.map((lev, i) => el("tr", {}, el("th", { class: "lever-name", text: lev }),
      cols.map((j) => {
        const v = phi(i, j), t = total(j);
        const share = isNum(v) && Math.abs(t) > 1e-12 ? Math.round((100 * v) / t) + " %" : "";
        return el("td", { class: isNum(v) && v !== 0 ? (v > 0 ? "pos" : "neg") : "" },
          el("div", { text: fmtDiff(names[j], v) }), el("div", { class: "share", text: share ? share + " of the total" : "" }));
      })));
    const foot = [
      el("tr", { class: "total" }, el("th", { text: "total difference" }), cols.map((j) => el("td", { text: fmtDiff(names[j], total(j)) }))),
    ];
    if (Array.isArray(att.interaction)) {
      foot.push(el("tr", { class: "interaction" }, el("th", { text: "interaction (total \u2212 one-at-a-time effects)" }),
        cols.map((j) => el("td", { text: fmtDiff(names[j], at(at(att.interaction, j), k)) }))));
    }
    box.append(el("p", { class: "hint", text: "Shapley values for " + (product === "all" ? "all products" : product) +
      ": each lever's share of the difference from the base, averaged over every order of switching the levers on." }),
    el("table", { class: "table" }, el("thead", {}, head), el("tbody", {}, rows), el("tfoot", {}, foot)));
  }

  /* ---------- history ---------- */

  async function refreshHistory() {
    const r = await api("GET", "/api/runs");
    const list = $("#history");
    if (!r.ok) return;
    const runs = Array.isArray(r.data) ? r.data : (r.data && r.data.runs) || [];
    list.replaceChildren();
    if (!runs.length) {
      list.append(el("li", { class: "muted", text: "no run yet" }));
      return;
    }
    for (const run of runs.slice(0, 40)) {
      const href = "/?token=" + encodeURIComponent(TOKEN) + "&run=" + encodeURIComponent(run.id);
      list.append(el("li", { class: "history-item state-" + run.state + (String(run.id) === String(studio.lastRunId) ? " current" : "") },
        el("a", { href }, el("span", { class: "run-id", text: (/^\d+$/.test(String(run.id)) ? "#" : "") + run.id }), " ", el("span", { class: "run-scenario", text: run.scenario }),
          el("span", { class: "run-changes", text: changesText(run.changes) })),
        el("span", { class: "run-state", text: run.state }),
        el("span", { class: "run-time", text: fmtTime(run.created) })));
    }
  }

  /* ---------- keep and share ---------- */

  async function exportReport() {
    const id = studio.lastRunId;
    const err = $("#share-error");
    err.textContent = "";
    if (id === null || id === undefined) return;
    const btn = $("#export-report");
    btn.disabled = true;
    const old = btn.textContent;
    btn.textContent = "Writing the report\u2026";
    const win = window.open("", "_blank");
    if (win) win.document.write("<p style='font-family:sans-serif'>Writing the report\u2026</p>");
    const r = await api("POST", "/api/runs/" + encodeURIComponent(id) + "/report");
    btn.disabled = false;
    btn.textContent = old;
    if (!r.ok || !r.data || !r.data.url) {
      if (win) win.close();
      err.textContent = "the report could not be written: " + ((r.data && r.data.error) || "no address in the answer");
      return;
    }
    const url = withToken(r.data.url);
    if (win) win.location.href = url;
    else window.open(url, "_blank");
  }

  /* ---------- start ---------- */

  async function openRun(id) {
    const r = await api("GET", "/api/runs/" + encodeURIComponent(id));
    if (!r.ok) {
      setStatus("failed", "run " + id + ": " + r.data.error);
      return false;
    }
    const run = r.data;
    const req = run.request || {};
    const lv = await fetchLevers(req.scenario);
    if (!lv.ok) {
      setStatus("failed", "run " + id + ": its scenario " + req.scenario + " is not available: " + lv.data.error);
      return false;
    }
    useLevers(lv.data);
    for (const id2 of ["agents", "days", "replicates"]) if (isNum(req[id2])) $("#" + id2).value = req[id2];
    state.settingsTouched = true;
    const changes = req.changes || {};
    for (const [key, value] of Object.entries(changes)) {
      const item = state.levers.find((i) => i.lever.key === key);
      if (item) {
        setLeverValue(item, value);
        revealLever(item);
      } else state.extraChanges[key] = value;
    }
    updateChangedMarks();
    const seq = ++state.runSeq;
    state.currentRunId = run.id;
    state.runStarted = performance.now();
    if (run.state === "queued" || run.state === "running") poll(seq, run.id, req, 0);
    else if (run.state === "cancelled") startRun();
    else finishRun(run, req, " \u2014 run " + run.id + " of the history");
    return true;
  }

  function wire() {
    $("#scenario").addEventListener("change", (e) => switchScenario(e.target.value));
    $("#upload").addEventListener("change", onUpload);
    for (const id of ["agents", "days", "replicates"]) {
      $("#" + id).addEventListener("input", () => {
        state.settingsTouched = true;
        clearError(id);
        scheduleRun();
      });
    }
    $("#product").addEventListener("change", (e) => {
      state.product = e.target.value;
      applyProduct(studio.lastResult);
    });
    $("#reset").addEventListener("click", () => {
      for (const item of state.levers) setLeverValue(item, item.lever.value);
      state.extraChanges = {};
      clearAllErrors();
      updateChangedMarks();
      scheduleRun();
    });
    $("#attribute").addEventListener("click", () => {
      if (!studio.lastRequest) return;
      const req = Object.assign({}, studio.lastRequest, { attribute: true });
      startRun(req);
    });
    $("#export-report").addEventListener("click", exportReport);
    $("#history-refresh").addEventListener("click", refreshHistory);
    for (const a of $$(".actions a.btn")) {
      a.addEventListener("click", (e) => { if (a.classList.contains("disabled")) e.preventDefault(); });
    }
  }

  async function main() {
    wire();
    setStatus("running", "loading\u2026");
    const def = await loadLibrary();
    const runParam = new URLSearchParams(location.search).get("run");
    let opened = false;
    if (runParam) opened = await openRun(runParam);
    if (!opened) {
      if (!def) {
        if (!runParam) setStatus("failed", "the scenario library is empty: upload a scenario file");
      } else {
        const r = await fetchLevers(def);
        if (!r.ok) setStatus("failed", "could not load the levers of " + def + ": " + r.data.error);
        else {
          useLevers(r.data);
          startRun();
        }
      }
    }
    studio.ready = true;
    refreshHistory();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
  else main();
})();
