// Progressive enhancement only: every page works without it (no inline script: CSP).
// - "Show password" buttons toggle a password field.
// - "Copy link" buttons copy text to the clipboard.
// - "Print this page" buttons open the print dialog.
// Messages in the page's language: passport_web/i18n.py puts their translations in the page.
function passportWord(text) {
  const data = document.getElementById("passport-words");
  try { return (data && JSON.parse(data.textContent)[text]) || text; } catch (error) { return text; }
}
for (const button of document.querySelectorAll("[data-show-password]")) {
  const input = document.getElementById(button.dataset.showPassword);
  if (!input) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    button.textContent = show ? passportWord("Hide password") : passportWord("Show password");
    button.setAttribute("aria-pressed", show ? "true" : "false");
  });
}
for (const button of document.querySelectorAll("[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(source.value || source.textContent.trim());
    const status = document.getElementById(button.dataset.copyStatus);
    if (status) status.textContent = passportWord("Link copied");
  });
}
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
