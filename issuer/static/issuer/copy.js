// Progressive enhancement: a "Copy link" button next to read-only link fields.
for (const button of document.querySelectorAll("button.issuer-copy")) {
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      button.textContent = "Link copied";
    } catch {
      source.select();
    }
  });
}
