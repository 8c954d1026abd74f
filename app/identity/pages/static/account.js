"use strict";
// The token arrives in the fragment (never sent to any server); take it and clean the address bar.
const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
history.replaceState(null, "", location.pathname);
const outcome = document.getElementById("outcome");

function show(text, failed) {
  outcome.textContent = text;
  outcome.className = failed ? "error" : "";
}

async function post(path, body) {
  const response = await fetch(`/api/v1/auth/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.ok) return null;
  const error = await response.json().catch(() => ({}));
  const details = Object.values(error.errors || {}).flat().filter((m) => typeof m === "string");
  return [error.message || "Something went wrong.", ...details].join(" ");
}

async function verify() {
  if (!token) return show("This link is incomplete; open the whole link from the email.", true);
  const failure = await post("verify-email", { token });
  show(failure || "Your email address is confirmed. You can close this page.", Boolean(failure));
}

function reset() {
  const form = document.getElementById("reset");
  if (!token) {
    form.hidden = true;
    return show("This link is incomplete; open the whole link from the email.", true);
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { password, repeat } = Object.fromEntries(new FormData(form));
    if (password !== repeat) return show("The two passwords differ.", true);
    const failure = await post("password-reset/complete", { token, password });
    if (failure) return show(failure, true);
    form.hidden = true;
    show("Your password is changed and every sign-in was ended. Sign in again in the app.", false);
  });
}

if (document.body.dataset.page === "verify-email") verify(); else reset();
