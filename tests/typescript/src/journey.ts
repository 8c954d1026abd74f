// A client's journey through the API with types generated from /openapi.json (no casts, no `in`).
// Run by .ci/run against `make run`: API_URL, MAIL_DIR (where development mail is written) and
// FLASK (the project's flask command, to run the outbox worker once) come from the environment.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import createClient from "openapi-fetch";

import type { components, paths } from "./api.js";

type Appointment = components["schemas"]["Appointment"];

const apiUrl = required("API_URL");
const anonymous = createClient<paths>({ baseUrl: apiUrl });

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`journey failed: ${what}`);
  console.log(`ok - ${what}`);
}

function verificationToken(email: string): string {
  execFileSync(required("FLASK"), ["worker", "--once"], { stdio: "inherit" });
  const folder = required("MAIL_DIR");
  const newestFirst = readdirSync(folder)
    .map((name) => join(folder, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const file of newestFirst) {
    const text = readFileSync(file, "utf8") // quoted-printable, as mail is written
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    const token = /verify-email#token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
    if (text.includes(email) && token) return token;
  }
  throw new Error(`no verification email for ${email} in ${folder}`);
}

function isoDate(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString();
}

async function main(): Promise<void> {
  const email = `journey-${randomUUID()}@example.com`;
  const password = `Lantern ${randomUUID()} harbour`;

  const registered = await anonymous.POST("/api/v1/auth/register", {
    body: {
      email,
      password,
      display_name: "Journey Tester",
      jurisdiction: "US-CA",
      timezone: "America/Los_Angeles",
      date_of_birth: "1990-05-17",
    },
  });
  check(registered.response.status === 201, "register answers 201");
  check(registered.response.headers.get("Location") === "/api/v1/me", "register says where");

  const verified = await anonymous.POST("/api/v1/auth/verify-email", {
    body: { token: verificationToken(email) },
  });
  check(verified.response.ok, "the emailed verification link proves the address");

  const login = await anonymous.POST("/api/v1/auth/login", { body: { email, password } });
  const accessToken = login.data?.access_token;
  if (!accessToken) throw new Error(`login failed: ${JSON.stringify(login.error)}`);
  check(login.data?.mfa_required === false, "a client logs in without a second factor");
  const api = createClient<paths>({
    baseUrl: apiUrl,
    headers: { Authorization: `Bearer ${accessToken}` },
  });

  const me = await api.GET("/api/v1/me");
  check(me.data?.user.email === email, "GET /me names the account");

  const intake = await api.POST("/api/v1/intakes", {
    body: {
      concerns: ["anxiety"],
      phq9: [1, 1, 0, 1, 0, 0, 1, 0, 0],
      gad7: [1, 1, 1, 0, 0, 1, 0],
      preferences: { languages: ["en"] },
      payment: { method: "self_pay", max_per_session_cents: 30_000 },
    },
  });
  if (!intake.data) throw new Error(`intake refused: ${JSON.stringify(intake.error)}`);
  check(intake.data.created_at.endsWith("Z"), "instants come back in UTC with Z");

  const matches = await api.GET("/api/v1/intakes/{intake_id}/matches", {
    params: { path: { intake_id: intake.data.id }, query: { tz: "America/Los_Angeles" } },
  });
  const first = matches.data?.matches[0];
  if (!first) throw new Error(`no match: ${JSON.stringify(matches.data?.no_match)}`);
  check(first.reasons.length > 0, `a ranked, explained match: ${first.therapist.display_name}`);
  const therapistId = first.therapist.id;

  const therapist = await api.GET("/api/v1/therapists/{therapist_id}", {
    params: { path: { therapist_id: therapistId } },
  });
  if (!therapist.data) throw new Error("the matched therapist has no profile");
  const etag = therapist.response.headers.get("ETag");
  check(etag !== null, "a profile carries an ETag");
  const unchanged = await api.GET("/api/v1/therapists/{therapist_id}", {
    params: { path: { therapist_id: therapistId }, header: { "If-None-Match": etag ?? "" } },
  });
  check(unchanged.response.status === 304, "an unchanged profile answers 304");

  const types = await api.GET("/api/v1/therapists/{therapist_id}/session-types", {
    params: { path: { therapist_id: therapistId } },
  });
  const sessionType = types.data?.items.find((t) => t.active && !t.is_group);
  if (!sessionType) throw new Error("the therapist offers no individual session type");
  check(types.data?.total === types.data?.items.length, "a short list is one true page");

  const slots = await api.GET("/api/v1/therapists/{therapist_id}/slots", {
    params: {
      path: { therapist_id: therapistId },
      query: { start: isoDate(0), end: isoDate(14), session_type: sessionType.id },
    },
  });
  const slot = slots.data?.slots[0];
  if (!slot) throw new Error("no open slot in the next 14 days");
  check(slot.start.endsWith("Z"), `a slot at ${slot.start}`);

  const consents = await api.GET("/api/v1/me/consents", {
    params: { query: { clinic_id: therapist.data.clinic_id } },
  });
  const pending = (consents.data?.items ?? []).filter((s) => s.accepted_at === null);
  if (pending.length > 0) {
    const accepted = await api.POST("/api/v1/me/consents", {
      body: { document_ids: pending.map((s) => s.document.id) },
    });
    check(accepted.response.status === 201, `accepted ${pending.length} consent documents`);
  }

  const idempotencyKey = randomUUID();
  const booking = {
    therapist_id: therapistId,
    session_type_id: sessionType.id,
    start: slot.start,
    located_in: matches.data?.located_in ?? "US-CA",
  };
  const booked = await api.POST("/api/v1/appointments", {
    params: { header: { "Idempotency-Key": idempotencyKey } },
    body: booking,
  });
  if (!booked.data) throw new Error(`booking refused: ${JSON.stringify(booked.error)}`);
  const appointment: Appointment = booked.data;
  check(booked.response.status === 201, `booked ${appointment.id} (${appointment.status})`);
  check(
    booked.response.headers.get("Location") === `/api/v1/appointments/${appointment.id}`,
    "the booking says where it lives",
  );

  const retried = await api.POST("/api/v1/appointments", {
    params: { header: { "Idempotency-Key": idempotencyKey } },
    body: booking,
  });
  check(retried.data?.id === appointment.id, "a retry with the same key returns the same booking");
  check(retried.response.headers.get("Idempotent-Replayed") === "true", "and says it is a replay");

  const invite = await api.GET("/api/v1/appointments/{appointment_id}/invite.ics", {
    params: { path: { appointment_id: appointment.id } },
    parseAs: "text",
  });
  check(invite.data?.includes("BEGIN:VCALENDAR") === true, "the invite is an iCalendar file");
  check(!(invite.data ?? "").toLowerCase().includes("anxiety"), "the invite names no concern");

  const join = await api.POST("/api/v1/appointments/{appointment_id}/join", {
    params: { path: { appointment_id: appointment.id } },
  });
  if (join.data) {
    check(join.data.url.includes("/dev-video/"), "the join link opens the development room");
  } else {
    check(join.response.status === 409, `the room is not open yet: ${join.error?.message ?? ""}`);
  }

  const cancelled = await api.POST("/api/v1/appointments/{appointment_id}/cancel", {
    params: { path: { appointment_id: appointment.id } },
    body: { reason: "Journey finished" },
  });
  check(cancelled.data?.[0]?.status === "cancelled", "cancelled");

  const listed = await api.GET("/api/v1/appointments", {
    params: { query: { status: "cancelled", page_size: 10 } },
  });
  check(
    listed.data?.items.some((a) => a.id === appointment.id) === true,
    "the cancelled appointment is listed on a page",
  );

  const groups = await anonymous.GET("/api/v1/groups", {
    params: { query: { topic: "anxiety", jurisdiction: "US-CA", tz: "America/Los_Angeles" } },
  });
  const group = groups.data?.items[0];
  if (!group) throw new Error(`no support group to join: ${JSON.stringify(groups.error)}`);
  check(group.next_meetings.length > 0, `a support group to find: ${group.title}`);
  check(!JSON.stringify(groups.data).includes(email), "a listing never names its members");
  const details = await anonymous.GET("/api/v1/groups/{group_id}", {
    params: { path: { group_id: group.id } },
  });
  if (!details.data) throw new Error("the group has no details");
  const groupConsents = await api.GET("/api/v1/me/consents", {
    params: { query: { clinic_id: group.clinic_id } },
  });
  const unsigned = (groupConsents.data?.items ?? []).filter((s) => s.accepted_at === null);
  if (unsigned.length > 0) {
    await api.POST("/api/v1/me/consents", {
      body: { document_ids: unsigned.map((s) => s.document.id) },
    });
  }
  const joined = await api.POST("/api/v1/groups/{group_id}/members", {
    params: { path: { group_id: group.id } },
    body: { alias: "Lantern", guidelines_version: details.data.guidelines_version },
  });
  if (!joined.data) throw new Error(`join refused: ${JSON.stringify(joined.error)}`);
  check(joined.data.places.length > 0, `joined as ${joined.data.alias}`);
  const roster = await api.GET("/api/v1/groups/{group_id}/members", {
    params: { path: { group_id: group.id } },
  });
  const mine = roster.data?.items.find((entry) => entry.is_you);
  check(mine?.alias === "Lantern" && mine.client === null, "members see aliases only");
  const left = await api.POST("/api/v1/groups/{group_id}/leave", {
    params: { path: { group_id: group.id } },
  });
  check(left.data?.status === "left", "left the group");

  const unknown = await anonymous.GET("/api/v1/vocabularies", {
    params: { query: { tz: "Not/AZone" } },
  });
  check(unknown.response.status === 422, "an unknown zone is refused with 422");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
