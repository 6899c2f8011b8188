// Dashboard: the live top 10 of a chosen board over Server-Sent Events, its current or previous
// period, player search and score submission for that board, and a chart of the pipeline.
// Everything user-supplied is written with textContent, never as HTML.
"use strict";

const API = "/api/leaderboard";
const BOARDS = "/api/boards";
const MEDALS = ["gold", "silver", "bronze"];
const CHART_POINTS = 90;  // 3 minutes at one point every 2 s
const body = document.body;
const refreshMs = Number(body.dataset.refreshMs) || 10000;

const state = {
  board: "global",
  period: "current",
  boards: new Map(),   // id -> board as GET /api/boards describes it
  nextRefreshAt: null,
  nextResetAt: null,
  stream: null,
  samples: [],         // {t, submits, lag} for the chart
  lastSubmits: null,
};

const $ = (id) => document.getElementById(id);
const fmt = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString("en-US"));
// every time on the page in one style, with its zone: 30 Nov 2026, 00:00 UTC (seconds
// where they matter); the browser's own zone, named
const when = (iso, seconds) => new Date(iso).toLocaleString("en-GB", {
  day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
  second: seconds ? "2-digit" : undefined, timeZoneName: "short",
});
const timeOfDay = (iso) => new Date(iso).toLocaleTimeString("en-GB");

async function call(path, options = {}) {
  // the caller's headers are added to the JSON content type, never in place of it
  const { headers, ...rest } = options;
  const response = await fetch(path, {
    ...rest,
    headers: { "Content-Type": "application/json", ...(headers || {}) },
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

const boardPath = (suffix) => `${BOARDS}/${encodeURIComponent(state.board)}${suffix}`;
const periodQuery = (sep) => (state.period === "previous" ? `${sep}period=previous` : "");

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
    tr.append(cell(state.period === "previous" ? "Nobody played in that period." : "No scores yet.", "muted"));
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

function showPeriod(period) {
  const dates = $("period-dates");
  if (!period || period.start === null) {
    dates.textContent = "all time";
  } else {
    // seconds matter for periods shorter than a day (events, tests)
    const short = period.end && Date.parse(period.end) - Date.parse(period.start) < 86400000;
    dates.textContent = `${when(period.start, short)} – ${period.end ? when(period.end, short) : "…"}`;
  }
}

function applyTop(event) {
  if (event.board && event.board !== state.board) return;  // a stream being replaced
  renderTop(event.data || []);
  if (event.built_at) $("last-updated").textContent = timeOfDay(event.built_at);
  if (event.next_refresh_at) state.nextRefreshAt = Date.parse(event.next_refresh_at);
  if (event.period) showPeriod(event.period);
  $("source").textContent = event.source ? `(from ${event.source})` : "";
}

function countdown(target) {
  if (target === null) return null;
  const seconds = Math.max(0, Math.ceil((target - Date.now()) / 1000));
  if (seconds === 0) return "now";
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d) return `${d}d ${h}h ${m}m`;
  if (h) return `${h}h ${m}m ${s}s`;
  if (m) return `${m}m ${s}s`;
  return `${s}s`;
}

function tick() {
  const refresh = countdown(state.nextRefreshAt);
  if (refresh !== null) $("countdown").textContent = refresh;
  const reset = countdown(state.nextResetAt);
  // an all-time board never resets: no countdown at all
  $("reset-in").hidden = reset === null;
  if (reset !== null) $("reset-countdown").textContent = reset;
  if (state.nextResetAt !== null && Date.now() >= state.nextResetAt + 1500) {
    // the period rolled over: read the board's new bounds and the new (usually empty) top
    state.nextResetAt = null;
    loadBoards().then(() => pollTop());
  }
}

// -- boards and periods ---------------------------------------------------------------------

function duration(iso) {
  // P28D -> "28 days", PT1H30M -> "1 h 30 min": a board's period length, in words
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(iso || "");
  if (!m) return iso;
  const parts = [];
  if (m[1]) parts.push(`${m[1]} day${m[1] === "1" ? "" : "s"}`);
  if (m[2]) parts.push(`${m[2]} h`);
  if (m[3]) parts.push(`${m[3]} min`);
  if (m[4]) parts.push(`${m[4]} s`);
  return parts.join(" ") || iso;
}

function describeRules(b) {
  const mode = b.game_mode ? `${b.game_mode} only` : "every mode";
  const what = b.aggregate === "best" ? "best score" : "sum of scores";
  const reset = b.reset === "fixed" ? `every ${duration(b.reset_every)}`
    : b.reset === "never" ? "all time" : b.reset;
  return `${what} · ${mode} · ${reset}${b.tie_break === "earliest" ? " · ties: first to reach" : ""}`;
}

function showBoard() {
  const b = state.boards.get(state.board);
  if (!b) return;
  $("board-rules").textContent = describeRules(b);
  // a board that never resets has no previous period to pick
  const previous = document.querySelector('input[name="period"][value="previous"]');
  previous.disabled = b.reset === "never";
  if (previous.disabled && state.period === "previous") {
    state.period = "current";
    document.querySelector('input[name="period"][value="current"]').checked = true;
  }
  state.nextResetAt = b.next_reset_at ? Date.parse(b.next_reset_at) : null;
  if (state.period === "current") showPeriod(b.period);
  for (const el of document.querySelectorAll(".board-name")) el.textContent = `on ${state.board}`;
}

async function loadBoards() {
  try {
    const payload = await call(BOARDS);
    state.boards = new Map(payload.data.map((b) => [b.id, b]));
  } catch {
    return;  // the API answers for global anyway
  }
  const select = $("board");
  const chosen = state.boards.has(state.board) ? state.board : "global";
  select.replaceChildren(...[...state.boards.keys()].map((id) => {
    const option = document.createElement("option");
    option.value = id;
    option.textContent = id;
    return option;
  }));
  select.value = chosen;
  state.board = chosen;
  showBoard();
}

async function pollTop() {
  // the previous period, a fallback while the stream is down, and the first paint
  try {
    const payload = await call(`${boardPath("/top")}${periodQuery("?")}`);
    applyTop({ board: payload.board, data: payload.data, built_at: payload.as_of,
      next_refresh_at: payload.next_refresh_at, source: payload.source, period: payload.period });
  } catch (e) {
    if (state.period === "previous") {
      renderTop([]);
      $("period-dates").textContent = e.message;
    }
  }
}

function connectStream() {
  if (state.stream) state.stream.close();
  const live = $("live");
  if (state.period !== "current") {
    live.textContent = "past period";
    live.className = "badge";
    state.stream = null;
    return;
  }
  const source = new EventSource(boardPath("/stream"));
  state.stream = source;
  live.textContent = "connecting…";
  live.className = "badge";
  source.addEventListener("open", () => { live.textContent = "live"; live.className = "badge on"; });
  source.addEventListener("top10", (m) => applyTop(JSON.parse(m.data)));
  source.addEventListener("reset", (m) => {
    applyTop(JSON.parse(m.data));
    loadBoards();
  });
  source.addEventListener("refresh", (m) => {
    const event = JSON.parse(m.data);
    if (event.built_at) $("last-updated").textContent = timeOfDay(event.built_at);
    if (event.next_refresh_at) state.nextRefreshAt = Date.parse(event.next_refresh_at);
  });
  source.addEventListener("error", () => { live.textContent = "reconnecting…"; live.className = "badge off"; });
}

function selectBoard(board, period) {
  state.board = board;
  state.period = period;
  showBoard();
  renderTop([]);
  connectStream();
  pollTop();
  const id = $("search-id").value.trim();
  if (id && !$("player").hidden) showPlayer(id);
}

// -- health and the pipeline chart ------------------------------------------------------------

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
  return report;
}

function submitsSoFar(metrics) {
  // the request counter of POST /api/leaderboard/submit, summed over statuses and workers
  let total = 0;
  for (const line of metrics.split("\n")) {
    if (line.startsWith("leaderboard_http_request_duration_seconds_count{")
        && line.includes('endpoint="/api/leaderboard/submit"') && line.includes('method="POST"')) {
      total += Number(line.slice(line.lastIndexOf(" ") + 1)) || 0;
    }
  }
  return total;
}

async function samplePipeline() {
  const [report, metrics] = await Promise.all([
    refreshHealth(),
    fetch("/metrics").then((r) => r.text()).catch(() => ""),
  ]);
  const now = Date.now();
  const count = submitsSoFar(metrics);
  let rate = null;
  if (state.lastSubmits !== null && count >= state.lastSubmits.count) {
    rate = (count - state.lastSubmits.count) / ((now - state.lastSubmits.t) / 1000);
  }
  state.lastSubmits = { t: now, count };
  const bridge = (report.checks || {}).bridge || {};
  const lag = typeof bridge.lag_p99_ms === "number" ? bridge.lag_p99_ms : null;
  state.samples.push({ t: now, submits: rate, lag });
  if (state.samples.length > CHART_POINTS) state.samples.shift();
  $("pipeline-now").textContent =
    `now: ${rate === null ? "—" : rate.toFixed(1)} submits/s, lag p99 ${lag === null ? "—" : lag.toFixed(1)} ms`;
  drawChart();
}

function drawChart() {
  const canvas = $("pipeline");
  const ctx = canvas.getContext("2d");
  const w = canvas.width;
  const h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = "#23314f";
  ctx.lineWidth = 1;
  for (let i = 1; i < 4; i++) {
    ctx.beginPath();
    ctx.moveTo(0, (h * i) / 4);
    ctx.lineTo(w, (h * i) / 4);
    ctx.stroke();
  }
  const series = (key, color) => {
    const values = state.samples.map((s) => s[key]).filter((v) => v !== null);
    const max = Math.max(1, ...values) * 1.15;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    let drawing = false;
    state.samples.forEach((s, i) => {
      if (s[key] === null) { drawing = false; return; }
      const x = (w * i) / (CHART_POINTS - 1);
      const y = h - 4 - ((h - 8) * s[key]) / max;
      if (drawing) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      drawing = true;
    });
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.font = "11px system-ui";
    ctx.fillText(`max ${Math.round(max / 1.15)}`, key === "submits" ? 6 : w - 60, 12);
  };
  series("submits", "#38bdf8");
  series("lag", "#f59e0b");
}

// -- one player --------------------------------------------------------------------------------

async function showPlayer(userId) {
  const error = $("search-error");
  error.hidden = true;
  try {
    const id = encodeURIComponent(userId);
    const [rank, around, sessions] = await Promise.all([
      call(`${boardPath(`/rank/${id}`)}${periodQuery("?")}`),
      call(`${boardPath(`/around/${id}`)}?radius=3${periodQuery("&")}`),
      call(`${API}/sessions/${id}?limit=5`),
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
      li.textContent = `${fmt(s.score)} · ${s.game_mode} · ${when(s.played_at, true)}`;
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
  $("board").addEventListener("change", (e) => selectBoard(e.target.value, state.period));
  for (const radio of document.querySelectorAll('input[name="period"]')) {
    radio.addEventListener("change", (e) => selectBoard(state.board, e.target.value));
  }

  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    showPlayer($("search-id").value.trim());
  });

  $("submit-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const out = $("submit-result");
    const counted = $("submit-boards");
    const userId = Number($("submit-user").value);
    const score = Number($("submit-score").value);  // 0 is a valid score
    // where submits need a server key (production), the operator pastes one; it is sent
    // with this request only and kept nowhere
    const key = $("submit-key") ? $("submit-key").value.trim() : "";
    try {
      const payload = await call(`${API}/submit`, {
        method: "POST",
        headers: key ? { Authorization: `Bearer ${key}` } : {},
        body: JSON.stringify({ user_id: userId, score, game_mode: $("submit-mode").value }),
      });
      const d = payload.data;
      if (d.held) {
        // 202: in the log, on no board until a moderator approves it
        out.className = "error";
        out.textContent = `Held by rule ${d.rule}: ${fmt(d.score)} for player #${d.user_id} is recorded but counts on no board until a moderator approves it.`;
        counted.replaceChildren();
        return;
      }
      out.className = "ok";
      out.textContent = `Recorded ${fmt(d.score)} for player #${d.user_id}: total ${fmt(d.total_score)}.`;
      counted.replaceChildren(...(d.boards || []).map((b) => {
        const li = document.createElement("li");
        li.dataset.board = b.board;
        li.textContent = `${b.board}: ${fmt(b.value)}`;
        return li;
      }));
      $("search-id").value = String(userId);
      await showPlayer(String(userId));
      // the write's own answer is the truth; ranks come from the index, which follows the
      // database a few tens of milliseconds behind, so look again once it has caught up
      const mine = (d.boards || []).find((b) => b.board === state.board);
      if (mine && state.period === "current") $("player-total").textContent = fmt(mine.value);
      setTimeout(() => showPlayer(String(userId)), 500);
    } catch (err) {
      out.className = "error";
      out.textContent = err.message;
      counted.replaceChildren();
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

document.addEventListener("DOMContentLoaded", async () => {
  bindForms();
  pollTop();
  connectStream();
  await loadBoards();
  samplePipeline();
  setInterval(tick, 250);
  setInterval(samplePipeline, 2000);
  setInterval(() => { if ($("live").textContent !== "live") pollTop(); }, refreshMs);
  setInterval(loadBoards, 30000);
});
