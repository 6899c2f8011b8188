"use strict";
// The moderation page: the held queue (approve / reject), a player's sessions, the audit
// log, over /api/admin. Where admin actions need the token (production), the moderator
// pastes it; it is kept in this page's memory only.

const ADMIN = "/api/admin";
const $ = (id) => document.getElementById(id);
let token = "";

async function admin(path, options = {}) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${ADMIN}${path}`, { ...options, headers });
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok || !payload || payload.success === false) {
    throw new Error(payload && payload.error ? payload.error.message : `HTTP ${response.status}`);
  }
  return payload.data;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    if (cell instanceof Node) td.append(cell);
    else td.textContent = cell === null || cell === undefined ? "-" : String(cell);
    tr.append(td);
  }
  return tr;
}

const when = (iso) => new Date(iso).toLocaleString(undefined, { timeZoneName: "short" });

function show(target, err) {
  $(target).className = err ? "error" : "ok";
  $(target).textContent = err ? err.message : "";
}

async function loadHeld() {
  try {
    const held = await admin("/held?limit=100");
    $("held-body").replaceChildren(...held.map((s) => {
      const actions = document.createElement("span");
      for (const [verb, label] of [["approve", "Approve"], ["reject", "Reject"]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.dataset.action = verb;
        button.dataset.session = String(s.session_id);
        button.addEventListener("click", () => review(s.session_id, verb));
        actions.append(button);
      }
      const tr = row([s.session_id, `${s.username} (#${s.user_id})`, s.score, s.game_mode,
        when(s.played_at), s.held_by, s.written_by, actions]);
      tr.dataset.session = String(s.session_id);
      return tr;
    }));
    if (!held.length) $("held-body").replaceChildren(row(["nothing held"]));
    show("held-result", null);
  } catch (err) {
    show("held-result", err);
  }
}

async function review(sessionId, verb) {
  const reason = $("reason").value.trim();
  try {
    const done = await admin(`/held/${sessionId}/${verb}`, {
      method: "POST",
      body: JSON.stringify(reason ? { reason } : {}),
    });
    const counted = (done.boards || []).map((b) => `${b.board} ${b.value}`).join(", ");
    await loadHeld();
    $("held-result").className = "ok";
    $("held-result").textContent = `Session ${sessionId} ${done.review}${counted ? `: ${counted}` : ""}.`;
    await loadAudit();
  } catch (err) {
    show("held-result", err);
  }
}

async function loadPlayer(userId) {
  try {
    const sessions = await admin(`/players/${encodeURIComponent(userId)}/sessions?limit=50`);
    $("player-body").replaceChildren(...sessions.map((s) => row([s.session_id, s.score,
      s.game_mode, when(s.played_at), s.written_by, s.review ? `${s.review} (${s.held_by})` : "counted"])));
    show("player-result", null);
  } catch (err) {
    $("player-body").replaceChildren();
    show("player-result", err);
  }
}

async function loadAudit() {
  try {
    const entries = await admin("/audit?limit=50");
    $("audit-body").replaceChildren(...entries.map((e) => row([when(e.at), e.actor, e.action,
      e.subject, e.reason])));
    show("audit-result", null);
  } catch (err) {
    show("audit-result", err);
  }
}

function loadAll() {
  loadHeld();
  loadAudit();
}

document.addEventListener("DOMContentLoaded", () => {
  $("held-refresh").addEventListener("click", loadHeld);
  $("audit-refresh").addEventListener("click", loadAudit);
  $("player-form").addEventListener("submit", (e) => {
    e.preventDefault();
    loadPlayer($("player-id").value.trim());
  });
  if (document.body.dataset.needsToken === "true") {
    $("token-form").addEventListener("submit", (e) => {
      e.preventDefault();
      token = $("token").value.trim();
      loadAll();
    });
  } else {
    loadAll();
  }
});
