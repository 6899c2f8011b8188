// Dashboard: live top 10 over Server-Sent Events, player search, score submission.
// Everything user-supplied is written with textContent, never as HTML.
"use strict";

const API = "/api/leaderboard";
const MEDALS = ["gold", "silver", "bronze"];
const body = document.body;
const refreshMs = Number(body.dataset.refreshMs) || 10000;
let nextRefreshAt = null;

const $ = (id) => document.getElementById(id);
const fmt = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString("en-US"));

async function call(path, options = {}) {
  const response = await fetch(path, {
    headers: { "Content-Type": "application/json", ...(options.headers || {}) },
    ...options,
  });
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok || !payload || payload.success === false) {
    const message = payload && payload.error ? payload.error.message : `HTTP ${response.status}`;
    throw new Error(message);
  }
  return payload;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function rankCell(rank) {
  // ranks 1-3 get a medal badge (CSS, so it renders without an emoji font)
  const td = document.createElement("td");
  td.className = "rank";
  const badge = document.createElement("span");
  badge.textContent = rank === null || rank === undefined ? "—" : String(rank);
  if (rank >= 1 && rank <= 3) badge.className = `medal ${MEDALS[rank - 1]}`;
  td.append(badge);
  return td;
}

function renderTop(entries) {
  const tbody = $("top-body");
  tbody.replaceChildren();
  if (!entries.length) {
    const tr = document.createElement("tr");
    tr.append(cell("No scores yet.", "muted"));
    tr.firstChild.colSpan = 3;
    tbody.append(tr);
    return;
  }
  for (const e of entries) {
    const tr = document.createElement("tr");
    tr.dataset.userId = e.user_id;
    tr.append(rankCell(e.rank), cell(e.username || `player #${e.user_id}`),
      cell(fmt(e.total_score), "num"));
    tbody.append(tr);
  }
}

function applyTop(event) {
  renderTop(event.data || []);
  if (event.built_at) $("last-updated").textContent = new Date(event.built_at).toLocaleTimeString();
  if (event.next_refresh_at) nextRefreshAt = Date.parse(event.next_refresh_at);
  $("source").textContent = event.source ? `(from ${event.source})` : "";
}

function tick() {
  if (nextRefreshAt === null) return;
  const seconds = Math.max(0, Math.ceil((nextRefreshAt - Date.now()) / 1000));
  $("countdown").textContent = seconds > 0 ? `${seconds}s` : "now";
}

function connectStream() {
  const live = $("live");
  const source = new EventSource(`${API}/stream`);
  source.addEventListener("open", () => { live.textContent = "live"; live.className = "badge on"; });
  source.addEventListener("top10", (m) => applyTop(JSON.parse(m.data)));
  source.addEventListener("refresh", (m) => {
    const event = JSON.parse(m.data);
    if (event.built_at) $("last-updated").textContent = new Date(event.built_at).toLocaleTimeString();
    if (event.next_refresh_at) nextRefreshAt = Date.parse(event.next_refresh_at);
  });
  source.addEventListener("error", () => { live.textContent = "reconnecting…"; live.className = "badge off"; });
}

async function pollTop() {
  // a fallback while the stream is down, and the first paint
  try {
    const payload = await call(`${API}/top`);
    applyTop({ data: payload.data, built_at: payload.as_of,
      next_refresh_at: payload.next_refresh_at, source: payload.source });
  } catch {
    /* the stream or the next poll will fill it in */
  }
}

async function refreshHealth() {
  let report;
  try {
    const response = await fetch("/health");
    report = await response.json();
  } catch {
    report = { checks: { db: false, redis: false, bridge: { ok: false } }, mode: "unreachable" };
  }
  const checks = report.checks || {};
  const set = (id, ok) => { $(id).className = `dot ${ok ? "ok" : "down"}`; };
  set("health-db", checks.db);
  set("health-redis", checks.redis);
  set("health-bridge", checks.bridge && checks.bridge.ok);
  $("health-mode").textContent = report.mode && report.mode !== "normal" ? report.mode.replaceAll("_", " ") : "";
}

async function showPlayer(userId) {
  const error = $("search-error");
  error.hidden = true;
  try {
    const [rank, around, sessions] = await Promise.all([
      call(`${API}/rank/${encodeURIComponent(userId)}`),
      call(`${API}/around/${encodeURIComponent(userId)}?radius=3`),
      call(`${API}/sessions/${encodeURIComponent(userId)}?limit=5`),
    ]);
    const p = rank.data;
    $("player-name").textContent = p.username || "(name unavailable)";
    $("player-id").textContent = p.user_id;
    $("player-rank").replaceChildren(...rankCell(p.rank).childNodes);
    $("player-total").textContent = fmt(p.total_score);
    const tbody = $("around-body");
    tbody.replaceChildren();
    for (const e of around.data) {
      const tr = document.createElement("tr");
      if (e.user_id === p.user_id) tr.className = "me";
      tr.append(rankCell(e.rank), cell(e.username || `#${e.user_id}`), cell(fmt(e.total_score), "num"));
      tbody.append(tr);
    }
    const list = $("sessions");
    list.replaceChildren();
    for (const s of sessions.data) {
      const li = document.createElement("li");
      li.textContent = `${fmt(s.score)} · ${s.game_mode} · ${new Date(s.played_at).toLocaleString()}`;
      list.append(li);
    }
    if (!sessions.data.length) list.append(Object.assign(document.createElement("li"), { textContent: "No games yet." }));
    $("player").hidden = false;
  } catch (e) {
    $("player").hidden = true;
    error.textContent = e.message;
    error.hidden = false;
  }
}

function bindForms() {
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    showPlayer($("search-id").value.trim());
  });

  $("submit-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const out = $("submit-result");
    const userId = Number($("submit-user").value);
    const score = Number($("submit-score").value);  // 0 is a valid score
    try {
      const payload = await call(`${API}/submit`, {
        method: "POST",
        body: JSON.stringify({ user_id: userId, score, game_mode: $("submit-mode").value }),
      });
      out.className = "ok";
      out.textContent = `Recorded ${fmt(payload.data.score)} for player #${payload.data.user_id}: total ${fmt(payload.data.total_score)}.`;
      $("search-id").value = String(userId);
      await showPlayer(String(userId));
      // the write's own answer is the truth; ranks come from the index, which follows the
      // database a few tens of milliseconds behind, so look again once it has caught up
      $("player-total").textContent = fmt(payload.data.total_score);
      setTimeout(() => showPlayer(String(userId)), 500);
    } catch (err) {
      out.className = "error";
      out.textContent = err.message;
    }
  });

  for (const button of document.querySelectorAll("button.seed")) {
    button.addEventListener("click", () => seed({ user_count: Number(button.dataset.users), sessions_per_user: 5 }));
  }
  const clearForm = $("clear-form");
  if (clearForm) {
    clearForm.addEventListener("submit", (e) => {
      e.preventDefault();
      seed({ user_count: 100, sessions_per_user: 5, clear_existing: true }, $("admin-token").value);
    });
  }
}

async function seed(request, token) {
  const out = $("seed-result");
  out.textContent = "Seeding…";
  try {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const payload = await call(`${API}/seed`, { method: "POST", body: JSON.stringify(request), headers });
    const d = payload.data;
    out.className = "ok";
    out.textContent = `Seeded ${fmt(d.users_created)} players and ${fmt(d.sessions_created)} sessions in ${d.elapsed_seconds}s.`;
  } catch (err) {
    out.className = "error";
    out.textContent = err.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  bindForms();
  pollTop();
  connectStream();
  refreshHealth();
  setInterval(tick, 250);
  setInterval(refreshHealth, 5000);
  setInterval(() => { if ($("live").textContent !== "live") pollTop(); }, refreshMs);
});
