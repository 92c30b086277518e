// The login form: posts the name and password as JSON; the server sets the session cookie (HttpOnly, never
// readable here) and the app opens. Messages are put into the page as text only.
(function () {
  "use strict";
  const form = document.getElementById("login");
  const msg = document.getElementById("login-message");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    msg.textContent = "";
    try {
      const r = await fetch("/api/login", {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ name: form.name.value, password: form.password.value }),
      });
      const out = await r.json();
      if (!r.ok) throw new Error(out.message || r.statusText);
      location.href = "/";
    } catch (err) {
      msg.textContent = `Not logged in: ${err.message}`;
      msg.className = "message error";
    }
  });
  document.body.dataset.ready = "login";
})();
