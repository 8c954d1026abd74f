"use strict";
// The clinic dashboard: signs in against the API, reads the report endpoints, draws charts
// first (Chart.js, shipped with the app) and tables below, with a CSV download per report.

const API = "/api/v1";
const REPORTS = ["utilization", "attendance", "revenue", "funnel", "access", "openings", "groups"];
const TITLES = {
  utilization: "Utilization", attendance: "Attendance", revenue: "Revenue", funnel: "Care funnel",
  access: "Time to care", openings: "First open slot", groups: "Group sessions",
};
const state = { token: sessionStorage.getItem("insights-token"), clinicId: null, charts: {} };

function $(selector) { return document.querySelector(selector); }

async function api(path, options = {}) {
  const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(API + path, Object.assign({}, options, { headers }));
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try { message = (await response.json()).message || message; } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

function isoDate(day) { return day.toISOString().slice(0, 10); }

function defaultWindow() {
  const today = new Date();
  const monday = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  const end = new Date(monday); end.setUTCDate(end.getUTCDate() + 7);
  const start = new Date(monday); start.setUTCDate(start.getUTCDate() - 7 * 11);
  return [isoDate(start), isoDate(end)];
}

function query() {
  const form = new FormData($("#filters"));
  const params = new URLSearchParams();
  for (const key of ["from", "to", "granularity", "therapist_id"]) {
    if (form.get(key)) params.set(key, form.get(key));
  }
  return params;
}

function numeric(value) { return typeof value === "number" ? value : 0; }

function scopeRows(rows) {
  // The clinic-wide rows when present (therapist_id null), else the therapist's own rows.
  const clinic = rows.filter((row) => row.therapist_id === null);
  return clinic.length ? clinic : rows;
}

function byPeriod(rows, fields) {
  const periods = [...new Set(rows.map((row) => row.period))];
  const sums = fields.map((field) => periods.map((period) => rows
    .filter((row) => row.period === period)
    .reduce((total, row) => total + numeric(row[field]), 0)));
  return { periods, sums };
}

function draw(id, config) {
  if (state.charts[id]) state.charts[id].destroy();
  state.charts[id] = new Chart(document.getElementById(id), config);
}

function bars(labels, series, options = {}) {
  return {
    type: "bar",
    data: { labels, datasets: series.map(([label, data]) => ({ label, data })) },
    options: Object.assign({ responsive: true, animation: false }, options),
  };
}

function drawCharts(reports) {
  const utilization = byPeriod(reports.utilization.rows, ["available_hours", "booked_hours", "fulfilled_hours"]);
  draw("chart-utilization", bars(utilization.periods, [
    ["Available hours", utilization.sums[0]], ["Booked hours", utilization.sums[1]], ["Held hours", utilization.sums[2]],
  ]));
  const attendance = byPeriod(scopeRows(reports.attendance.rows), ["fulfilled", "late_cancellations", "no_shows", "cancelled_by_staff"]);
  draw("chart-attendance", bars(attendance.periods, [
    ["Held", attendance.sums[0]], ["Late cancellations", attendance.sums[1]],
    ["No-shows", attendance.sums[2]], ["Cancelled by staff", attendance.sums[3]],
  ], { scales: { x: { stacked: true }, y: { stacked: true } } }));
  const money = reports.revenue;
  const digits = new Intl.NumberFormat(undefined, { style: "currency", currency: money.currency || "USD" })
    .resolvedOptions().maximumFractionDigits;
  const revenue = byPeriod(scopeRows(money.rows), ["captured", "refunded", "net"]);
  const major = (values) => values.map((value) => value / 10 ** digits);
  draw("chart-revenue", bars(revenue.periods, [
    [`Received (${money.currency})`, major(revenue.sums[0])], ["Refunded", major(revenue.sums[1])], ["Net", major(revenue.sums[2])],
  ]));
  const steps = reports.funnel.rows.filter((row) => row.step !== "alert_minutes_median");
  draw("chart-funnel", bars(steps.map((row) => row.label), [
    ["Clients (1-4 shown as 0: hidden for privacy)", steps.map((row) => numeric(row.count))],
  ], { indexAxis: "y" }));
}

function cell(value, kind) {
  if (value === null || value === undefined) return "";
  if (kind === "ratio" && typeof value === "number") return `${(value * 100).toFixed(1)}%`;
  return String(value);
}

function drawTables(reports) {
  const holder = $("#tables");
  holder.replaceChildren();
  for (const name of REPORTS) {
    const report = reports[name];
    const section = document.createElement("section");
    const title = document.createElement("h3");
    title.textContent = TITLES[name] + (report.currency ? ` (${report.currency}, minor units)` : "");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Download CSV";
    button.dataset.report = name;
    button.addEventListener("click", () => downloadCsv(name));
    title.append(button);
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    const columns = report.columns.filter((column) => column.name !== "therapist_id" && column.name !== "session_id");
    for (const column of columns) {
      const th = document.createElement("th"); th.textContent = column.label; head.append(th);
    }
    const body = table.createTBody();
    for (const row of report.rows) {
      const tr = body.insertRow();
      for (const column of columns) {
        const td = tr.insertCell();
        td.textContent = cell(row[column.name], column.kind);
        if (column.kind === "text" || column.kind === "date") td.className = "text";
      }
    }
    section.append(title, table);
    for (const note of report.notes) {
      const p = document.createElement("p"); p.textContent = note; section.append(p);
    }
    holder.append(section);
  }
}

function fillTherapists(rows) {
  const select = $("#filters select[name=therapist_id]");
  if (select.options.length > 1) return;
  const seen = new Map(rows.filter((row) => row.therapist_id).map((row) => [row.therapist_id, row.therapist_name]));
  for (const [id, name] of seen) select.append(new Option(name, id));
}

async function load() {
  $("#status").textContent = "Loading…";
  try {
    const params = query();
    const entries = await Promise.all(REPORTS.map(async (name) => {
      const response = await api(`/clinics/${state.clinicId}/reports/${name}?${params}`);
      return [name, await response.json()];
    }));
    const reports = Object.fromEntries(entries);
    fillTherapists(reports.utilization.rows);
    drawCharts(reports);
    drawTables(reports);
    $("#status").textContent = "";
  } catch (error) {
    $("#status").textContent = error.message;
  }
}

async function downloadCsv(name) {
  const params = query();
  params.set("format", "csv");
  const response = await api(`/clinics/${state.clinicId}/reports/${name}?${params}`, { headers: { Accept: "text/csv" } });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = `${name}-${params.get("from")}-${params.get("to")}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
}

function keepToken(token) {
  state.token = token;
  if (token) sessionStorage.setItem("insights-token", token);
  else sessionStorage.removeItem("insights-token");
}

function askForCode(intro, mode) {
  state.mfaMode = mode;
  $("#login").hidden = true;
  $("#second-factor").hidden = false;
  $("#mfa-intro").textContent = intro;
  $("#second-factor input[name=code]").value = "";
}

async function enrol() {
  const enrolment = await (await api("/auth/mfa/totp", { method: "POST" })).json();
  $("#mfa-secret").textContent = enrolment.secret;
  $("#mfa-uri").textContent = enrolment.otpauth_uri;
  $("#mfa-enrol").hidden = false;
  askForCode("Staff sign in with a second factor. Add this secret to your authenticator app, "
    + "then enter the code it shows.", "enrol");
}

async function answerCode(code) {
  const json = { "Content-Type": "application/json" };
  if (state.mfaMode === "verify") {
    const response = await api("/auth/mfa/verify", {
      method: "POST", headers: json, body: JSON.stringify({ mfa_token: state.mfaToken, code }),
    });
    keepToken((await response.json()).access_token);
    $("#second-factor").hidden = true;
    return start();
  }
  const response = await api("/auth/mfa/totp/confirm", {
    method: "POST", headers: json, body: JSON.stringify({ code }),
  });
  const { recovery_codes: codes } = await response.json();
  $("#second-factor").hidden = true;
  $("#recovery-codes").replaceChildren(...codes.map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }));
  $("#recovery").hidden = false;
}

async function start() {
  const me = await (await api("/me")).json();
  if (!["admin", "therapist"].includes(me.user.role) || !me.user.clinic_id) {
    throw new Error("The dashboard is for clinic staff.");
  }
  if (!me.user.mfa_enabled) return enrol();
  state.clinicId = me.user.clinic_id;
  $("#who").textContent = me.user.email;
  $("#login-view").hidden = true;
  $("#dashboard-view").hidden = false;
  const [from, to] = defaultWindow();
  $("#filters input[name=from]").value = from;
  $("#filters input[name=to]").value = to;
  await load();
}

document.addEventListener("DOMContentLoaded", () => {
  $("#login").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("#login-error").textContent = "";
    const form = new FormData(event.target);
    try {
      const response = await api("/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
      });
      const result = await response.json();
      if (result.mfa_required) {
        state.mfaToken = result.mfa_token;
        return askForCode("Enter the code from your authenticator app (or a recovery code).",
          "verify");
      }
      keepToken(result.access_token);
      await start();
    } catch (error) {
      keepToken(null);
      $("#login-error").textContent = error.message;
    }
  });
  $("#second-factor").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("#mfa-error").textContent = "";
    try {
      await answerCode(new FormData(event.target).get("code").trim());
    } catch (error) {
      $("#mfa-error").textContent = error.message;
    }
  });
  $("#recovery-done").addEventListener("click", () => {
    $("#recovery").hidden = true;
    start().catch((error) => { $("#login-error").textContent = error.message; });
  });
  $("#filters").addEventListener("submit", (event) => { event.preventDefault(); load(); });
  if (state.token) start().catch(() => { state.token = null; sessionStorage.removeItem("insights-token"); });
});
