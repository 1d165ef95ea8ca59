// SIGAP field app: reports typed without a connection wait on the phone (IndexedDB) and are sent
// when the connection is back. Each carries a key made here, so a report sent twice (a retry after a
// lost answer) is stored once by the server. Without JavaScript the form posts normally.
(function () {
  "use strict";
  const form = document.getElementById("field-form");
  if (!form || !("indexedDB" in window) || !window.fetch) return;

  // The texts (translated by the server) are in a <template>: its children are not in the document,
  // so they are read from its content.
  const labels = {};
  document.getElementById("field-labels").content.querySelectorAll("[data-state], [data-key]").forEach((el) => {
    labels[el.dataset.state || el.dataset.key] = el.textContent;
  });
  const queueSection = document.getElementById("field-queue-section");
  const queueList = document.getElementById("field-queue");
  const banner = document.getElementById("field-connection");
  const FIELDS = ["text", "desa_code", "location_text", "occurred_on", "occurred_text", "persons_at_risk",
    "age_band", "relation", "recruiter_text", "identity_tier", "reporter_name", "reporter_contact"];

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("sigap-field", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("reports", { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function store(mode, action) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction("reports", mode);
      const result = action(tx.objectStore("reports"));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }
  const all = () => store("readonly", (s) => s.getAll());
  const put = (item) => store("readwrite", (s) => s.put(item));

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function render() {
    const items = (await all()).sort((a, b) => a.saved_at.localeCompare(b.saved_at));
    queueSection.hidden = items.length === 0;
    queueList.replaceChildren(...items.map((item) => {
      const li = document.createElement("li");
      li.className = "queued state-" + item.state;
      li.dataset.state = item.state;
      const title = document.createElement("span");
      title.className = "queued-text";
      title.textContent = item.data.text.slice(0, 80);
      const state = document.createElement("strong");
      state.className = "queued-state";
      state.textContent = labels[item.state] || item.state;
      li.append(title, " — ", state);
      if (item.receipt) {
        const receipt = document.createElement("span");
        receipt.textContent = " · " + labels.receipt + " " + item.receipt;
        li.append(receipt);
      }
      return li;
    }));
  }

  function showConnection() {
    banner.hidden = navigator.onLine;
    banner.textContent = navigator.onLine ? "" : labels.offline;
  }

  let syncing = false;
  async function sync() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      // "refused": the server read the report and said no (400); sending it again cannot help.
      const pending = (await all()).filter((item) => item.state !== "sent" && item.state !== "refused");
      if (!pending.length) return;
      let token;
      try {
        const answer = await fetch(form.dataset.tokenUrl, { credentials: "same-origin" });
        if (!answer.ok) throw new Error("token " + answer.status);
        token = (await answer.json()).csrf;
      } catch (error) {
        return; // still offline, or signed out: try again later
      }
      for (const item of pending) {
        item.state = "sending";
        await put(item);
        await render();
        try {
          const response = await fetch(form.dataset.api, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": token },
            body: JSON.stringify(Object.assign({ idempotency_key: item.key }, item.data)),
          });
          if (response.status === 200 || response.status === 201) {
            const body = await response.json();
            item.state = "sent";
            item.receipt = body.receipt || item.receipt || "";
          } else {
            item.state = response.status === 400 ? "refused" : "failed";
            item.error = response.status;
          }
        } catch (error) {
          item.state = "failed";
        }
        await put(item);
        await render();
      }
    } finally {
      syncing = false;
    }
  }

  form.addEventListener("submit", async (event) => {
    if (event.submitter && event.submitter.name === "find_village" && navigator.onLine) return; // server search
    if (form.querySelector("input[type=file]").files.length && navigator.onLine) return; // photos: post the form
    event.preventDefault();
    const data = {};
    const values = new FormData(form);
    for (const name of FIELDS) {
      const value = values.get(name);
      data[name] = value === null ? "" : String(value);
    }
    data.consent = values.get("consent") === "on";
    data.persons_at_risk = data.persons_at_risk ? Number(data.persons_at_risk) : null;
    data.occurred_on = data.occurred_on || null;
    data.desa_code = data.desa_code || null;
    if (!data.text.trim() || !data.consent) {
      form.submit(); // let the server explain what is missing, in the user's language
      return;
    }
    await put({ key: newKey(), data: data, state: "saved", saved_at: new Date().toISOString() });
    form.reset();
    await render();
    sync();
  });

  document.getElementById("field-sync").addEventListener("click", sync);
  window.addEventListener("online", () => { showConnection(); sync(); });
  window.addEventListener("offline", showConnection);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.dataset.sw, { scope: form.dataset.scope }).catch(() => {});
  }
  form.querySelectorAll(".no-offline").forEach((el) => { el.dataset.offlineHint = labels.photos; });
  showConnection();
  render().then(sync);
})();
