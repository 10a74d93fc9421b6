// Passkeys (W3C Web Authentication) for the wallet — progressive enhancement only.
// Without JavaScript, or in a browser without PublicKeyCredential, the passkey buttons stay
// hidden and the password form is the way in. No inline script (CSP): this file is loaded by
// sign_in.html and account.html. Each POST sends the CSRF token from
// <meta name="csrf-token"> in the X-CSRFToken header (Flask-WTF checks it).
// Messages in the page's language: passport_web/i18n.py puts their translations in the page.
function passportWord(text) {
  const data = document.getElementById("passport-words");
  try { return (data && JSON.parse(data.textContent)[text]) || text; } catch (error) { return text; }
}

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
const supported = window.isSecureContext && typeof window.PublicKeyCredential === "function"
  && !!navigator.credentials;

const GENERAL_PROBLEM = passportWord("Something went wrong. Try again, or sign in with your password.");

// --- base64url <-> bytes (the server sends and expects the WebAuthn JSON forms) ------------
function toBytes(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

function toText(buffer) {
  let binary = "";
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function withBytes(descriptors) {
  return (descriptors ?? []).map((item) => ({ ...item, id: toBytes(item.id) }));
}

function creationOptions(json) {
  if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return { ...json, challenge: toBytes(json.challenge),
           user: { ...json.user, id: toBytes(json.user.id) },
           excludeCredentials: withBytes(json.excludeCredentials) };
}

function requestOptions(json) {
  if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return { ...json, challenge: toBytes(json.challenge),
           allowCredentials: withBytes(json.allowCredentials) };
}

function credentialJson(credential) {
  if (typeof credential.toJSON === "function") {
    try { return credential.toJSON(); } catch { /* fall through: build it by hand */ }
  }
  const response = credential.response;
  const common = { id: credential.id, rawId: toText(credential.rawId), type: credential.type,
                   authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
                   clientExtensionResults: credential.getClientExtensionResults?.() ?? {} };
  if (response.attestationObject) {
    return { ...common, response: {
      clientDataJSON: toText(response.clientDataJSON),
      attestationObject: toText(response.attestationObject),
      transports: response.getTransports?.() ?? [] } };
  }
  return { ...common, response: {
    clientDataJSON: toText(response.clientDataJSON),
    authenticatorData: toText(response.authenticatorData),
    signature: toText(response.signature),
    userHandle: response.userHandle ? toText(response.userHandle) : undefined } };
}

// --- talking to the wallet ------------------------------------------------------------------
async function post(url, body) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json",
               "X-CSRFToken": csrfToken },
    body: JSON.stringify(body ?? {}),
  });
  let data = {};
  try { data = await response.json(); } catch { /* not JSON: use the general message */ }
  if (!response.ok) throw new Error(data.detail || GENERAL_PROBLEM);
  return data;
}

// What the browser says when it stops a passkey, in plain English.
function explain(error) {
  switch (error?.name) {
    case "NotAllowedError":
      return passportWord("The passkey was not used. This happens if you cancel, or wait too long. Try again.");
    case "InvalidStateError":
      return passportWord("This phone or computer already has a passkey for your account.");
    case "SecurityError":
      return passportWord("Passkeys do not work on this web address. Sign in with your password.");
    case "AbortError":
      return passportWord("The passkey request was stopped. Try again.");
    default:
      return error?.message || GENERAL_PROBLEM;
  }
}

function showProblem(element, message) {
  if (!element) return;
  element.textContent = message;
  element.hidden = !message;
}

async function busy(button, work) {
  button.disabled = true;
  button.setAttribute("aria-disabled", "true");
  try {
    await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-disabled");
  }
}

// --- Sign-in page: "Sign in with a passkey" -------------------------------------------------
function setUpSignIn(section) {
  const button = section.querySelector('[data-passkey-action="sign-in"]');
  const problem = document.getElementById(section.dataset.problem);
  const next = document.querySelector('form input[name="next"]')?.value ?? "";
  section.hidden = false;
  button.addEventListener("click", () => busy(button, async () => {
    showProblem(problem, "");
    try {
      const { publicKey } = await post("/passkeys/sign-in/options");
      const credential = await navigator.credentials.get({ publicKey: requestOptions(publicKey) });
      const result = await post("/passkeys/sign-in", { credential: credentialJson(credential),
                                                       next });
      window.location.assign(result.next || "/record");
    } catch (error) {
      showProblem(problem, explain(error));
    }
  }));
}

// --- Account page: "Add a passkey" ----------------------------------------------------------
function setUpAdd(section) {
  const button = section.querySelector('[data-passkey-action="add"]');
  const nameInput = section.querySelector("input[data-passkey-name]");
  const problem = document.getElementById(section.dataset.problem);
  section.hidden = false;
  for (const note of document.querySelectorAll("[data-passkey-unsupported]")) note.hidden = true;
  button.addEventListener("click", () => busy(button, async () => {
    showProblem(problem, "");
    try {
      const { publicKey } = await post("/passkeys/add/options");
      const credential = await navigator.credentials.create({
        publicKey: creationOptions(publicKey) });
      await post("/passkeys/add", { credential: credentialJson(credential),
                                    name: nameInput?.value ?? "" });
      window.location.reload();  // the account page lists it, with a "Passkey added" banner
    } catch (error) {
      showProblem(problem, explain(error));
    }
  }));
}

if (supported) {
  for (const section of document.querySelectorAll("[data-passkey-sign-in]")) setUpSignIn(section);
  for (const section of document.querySelectorAll("[data-passkey-add]")) setUpAdd(section);
}
